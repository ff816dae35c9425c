package pivoter

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// split separates write commands into artifacts (by value) and notes.
func split(t testing.TB, ws []*flow.WriteCommand) (artifacts map[string]*flow.WriteCommand, notes []*flow.WriteCommand) {
	t.Helper()
	artifacts = map[string]*flow.WriteCommand{}
	for _, w := range ws {
		switch w.Kind {
		case flow.WriteArtifact:
			if _, dup := artifacts[w.Artifact.Value]; dup {
				t.Errorf("two artifact commands for %s", w.Artifact.Value)
			}
			artifacts[w.Artifact.Value] = w
		case flow.WriteNote:
			notes = append(notes, w)
		default:
			t.Errorf("unexpected write %s", w.Kind)
		}
	}
	return artifacts, notes
}

func TestAutoPivotFunction(t *testing.T) {
	t.Parallel()
	e := setup(t, irissim.Config{})
	stop := e.start(t, e.config())
	c := cluster(t, e.sim, "ssl_hash", 8, 24)
	members := normalized(t, c.Domains)
	source, analysts := members[0], members[1]
	const incident = 4206
	ctx := t.Context()
	if _, err := e.store.ClaimIncidentDomains(ctx, testOrg, incident, []store.IncidentDomain{{Domain: analysts, Origin: store.OriginAnalyst}}); err != nil {
		t.Fatal(err)
	}

	inv := e.call(t, "auto-1", "domaintools_auto_pivot_with_iris", 0, map[string]any{
		"dt_domain_name": source, "incident_id": incident, "dt_pivot_types": []map[string]any{{"id": 1, "name": "ssl_dhash"}},
	})
	var out AutoOutput
	content(t, payload(t, e.finalReply(t, inv.ID)), &out)
	e.waitIdle(t)
	if out.Domain != source || out.Depth != 0 || len(out.Runs) == 0 || !slices.Equal(out.Types, []string{"ssl_hash"}) {
		t.Fatalf("reply = %+v", out)
	}
	// Every run's finds are exactly the simulator's; the artifacts are their
	// union minus the source and the analyst's domain.
	var want []string
	sawShared := false
	for _, r := range out.Runs {
		if r.Type != "ssl_hash" {
			t.Errorf("run on %s, only ssl_hash asked", r.Type)
		}
		sawShared = sawShared || r.Value == c.Shared["ssl_hash"]
		match := normalized(t, e.sim.Matching(r.Type, r.Value))
		if r.TotalCount != len(match) || r.GuidedCount != len(match) {
			t.Errorf("run %s=%s: total %d, guided %d, simulator %d", r.Type, r.Value, r.TotalCount, r.GuidedCount, len(match))
		}
		want = append(want, match...)
	}
	if !sawShared {
		t.Errorf("the cluster's certificate %s was not pivoted on", c.Shared["ssl_hash"])
	}
	slices.Sort(want)
	want = without(slices.Compact(want), source, analysts)
	ws := e.drainWrites(t)
	artifacts, notes := split(t, ws)
	if got := slices.Sorted(maps.Keys(artifacts)); !slices.Equal(got, want) {
		t.Fatalf("artifacts for\n %v\nwant\n %v", got, want)
	}
	if out.ArtifactsCreated != len(want) {
		t.Errorf("artifacts_created %d, want %d", out.ArtifactsCreated, len(want))
	}
	for d, w := range artifacts {
		a := w.Artifact
		if w.ID != inv.ID+"/artifact/"+d || a.Type != 2 || w.IncidentID != incident ||
			!strings.HasPrefix(a.Description, "Found by irisflow: ssl_hash pivot on ") || !strings.HasSuffix(a.Description, " from "+source+" (pivot depth 1)") {
			t.Errorf("artifact command %+v / %+v", w, a)
		}
		got, ok, err := e.store.IncidentDomain(ctx, testOrg, incident, d)
		if err != nil || !ok || got.Depth != 1 || got.Origin != store.OriginPivot {
			t.Errorf("incident domain %s = %+v, %v, %v", d, got, ok, err)
		}
	}
	if len(notes) != len(out.Runs) {
		t.Errorf("%d notes for %d runs: one summary note per pivot", len(notes), len(out.Runs))
	}
	for _, n := range notes {
		if !strings.HasPrefix(n.ID, inv.ID+"/note/pivot/ssl_hash/") || !strings.Contains(n.Note.Content, "irisflow pivot on ssl_hash") {
			t.Errorf("note %s: %q", n.ID, n.Note.Content)
		}
	}
	runs, err := e.store.PivotRunsFor(ctx, source, 50)
	if err != nil || len(runs) != len(out.Runs) {
		t.Fatalf("history has %d runs, %v; want %d", len(runs), err, len(out.Runs))
	}
	// The cluster is found exactly: the run on its certificate recorded its
	// members, no more, no fewer; and every run's note adds up.
	for _, r := range runs {
		if r.Value != c.Shared["ssl_hash"] {
			continue
		}
		var found []string
		for _, f := range r.Results {
			found = append(found, f.Domain)
		}
		if got := normalized(t, found); !slices.Equal(got, members) {
			t.Errorf("pivot on the cluster's certificate found\n %v\nwant the cluster\n %v", got, members)
		}
	}
	for _, r := range out.Runs {
		listed := len(normalized(t, e.sim.Matching(r.Type, r.Value)))
		if len(r.New)+r.Known+r.Capped != listed || r.Known < 1 {
			t.Errorf("run %s=%s: %d new + %d known (the source among them) + %d capped != %d found",
				r.Type, r.Value, len(r.New), r.Known, r.Capped, listed)
		}
		want := fmt.Sprintf("%d new, %d already on the incident", len(r.New), r.Known)
		if !slices.ContainsFunc(notes, func(n *flow.WriteCommand) bool {
			return strings.Contains(n.Note.Content, r.Value) && strings.Contains(n.Note.Content, want)
		}) {
			t.Errorf("no note on %s says %q", r.Value, want)
		}
	}

	// A redelivery (after the stream's dedup window) and a restarted
	// pivoter write nothing twice.
	e.republish(t, inv, "#redelivered")
	e.waitIdle(t)
	stop()
	e.start(t, e.config())
	e.republish(t, inv, "#after-restart")
	e.waitIdle(t)
	if again := e.drainWrites(t); len(again) != 0 {
		t.Errorf("%d write commands after redelivery, want 0 (first: %+v)", len(again), again[0])
	}
	if runs2, _ := e.store.PivotRunsFor(ctx, source, 50); len(runs2) != len(runs) {
		t.Errorf("history grew from %d to %d runs on redelivery", len(runs), len(runs2))
	}

	// The analyst runs the auto-pivot again (a new invocation): the runs are
	// new, but every domain is already on the incident, so no artifact; the
	// notes say so.
	again := e.call(t, "auto-2", "domaintools_auto_pivot_with_iris", 0, map[string]any{
		"dt_domain_name": source, "incident_id": incident, "dt_pivot_types": "ssl_hash",
	})
	var out2 AutoOutput
	content(t, payload(t, e.finalReply(t, again.ID)), &out2)
	e.waitIdle(t)
	artifacts2, notes2 := split(t, e.drainWrites(t))
	if len(artifacts2) != 0 || out2.ArtifactsCreated != 0 {
		t.Errorf("second auto-pivot created artifacts: %v", slices.Sorted(maps.Keys(artifacts2)))
	}
	if len(notes2) != len(out2.Runs) || len(out2.Runs) != len(out.Runs) {
		t.Fatalf("second auto-pivot: %d notes, %d runs; want %d", len(notes2), len(out2.Runs), len(out.Runs))
	}
	for _, n := range notes2 {
		if !strings.Contains(n.Note.Content, "; 0 new, ") {
			t.Errorf("second auto-pivot's note:\n%s", n.Note.Content)
		}
	}
}

func TestAutoPivotCaps(t *testing.T) {
	t.Parallel()
	e := setup(t, irissim.Config{})
	cfg := e.config()
	cfg.AutoTypes = []string{"ssl_hash", "ip", "email", "registrant_org", "nameserver_host", "mailserver_host"}
	cfg.MaxArtifactsPerPivot, cfg.MaxArtifactsPerIncident = 3, 7
	e.start(t, cfg)
	// A cluster sharing many values: several pivots of more than 3 domains.
	var c irissim.Cluster
	for _, cc := range e.sim.Clusters() {
		if len(cc.Shared) >= 6 && len(cc.Domains) >= 6 && len(cc.Domains) < 100 {
			c = cc
			break
		}
	}
	if c.ID == 0 {
		t.Fatal("no cluster sharing 6 values")
	}
	source := normalized(t, c.Domains)[0]
	e.internalAuto(t, "playbook-1/pivots.auto", source, 4300, 0)
	e.waitIdle(t)
	artifacts, notes := split(t, e.drainWrites(t))
	if len(artifacts) != 7 {
		t.Errorf("%d artifacts, want the incident cap 7: %v", len(artifacts), slices.Sorted(maps.Keys(artifacts)))
	}
	perRun := map[int64]int{}
	for d := range artifacts {
		got, _, err := e.store.IncidentDomain(t.Context(), testOrg, 4300, d)
		if err != nil || got.RunID == nil {
			t.Fatalf("%s: %+v, %v", d, got, err)
		}
		perRun[*got.RunID]++
	}
	for run, n := range perRun {
		if n > 3 {
			t.Errorf("run %d created %d artifacts, cap 3", run, n)
		}
	}
	if len(notes) < 3 {
		t.Errorf("%d notes, want one per pivot (at least 3)", len(notes))
	}
	capped := 0
	for _, n := range notes {
		if strings.Contains(n.Note.Content, "not added (artifact cap reached)") {
			capped++
		}
	}
	if capped == 0 {
		t.Error("no note says the cap was reached")
	}
}

func TestAutoPivotDepth(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	c := cluster(t, e.sim, "ssl_hash", 4, 30)
	members := normalized(t, c.Domains)
	ctx := t.Context()

	// Work at depth 1 (an artifact irisflow created) is not pivoted.
	before := e.sim.Counters().Requests
	e.internalAuto(t, "deep/pivots.auto", members[0], 4400, 1)
	e.waitIdle(t)
	if ws := e.drainWrites(t); len(ws) != 0 {
		t.Errorf("depth-1 work wrote %d commands", len(ws))
	}
	if n := e.sim.Counters().Requests - before; n != 0 {
		t.Errorf("depth-1 work sent %d Iris requests", n)
	}

	// A pivot from an analyst's artifact finds members at depth 1; when one
	// of them comes back as a rule action (work says depth 0), the store's
	// depth wins and it is not pivoted.
	e.internalAuto(t, "root/pivots.auto", members[0], 4401, 0)
	e.waitIdle(t)
	artifacts, _ := split(t, e.drainWrites(t))
	if _, ok := artifacts[members[1]]; !ok {
		t.Fatalf("no artifact for %s: %v", members[1], slices.Sorted(maps.Keys(artifacts)))
	}
	e.internalAuto(t, "child/pivots.auto", members[1], 4401, 0)
	e.waitIdle(t)
	if ws := e.drainWrites(t); len(ws) != 0 {
		t.Errorf("a pivot find was pivoted on: %d commands", len(ws))
	}
	if runs, _ := e.store.PivotRunsFor(ctx, members[1], 10); len(runs) == 0 || slices.ContainsFunc(runs, func(r store.PivotRun) bool { return r.SourceDomain == members[1] }) {
		t.Errorf("runs from %s: %+v", members[1], runs)
	}
}

func TestAutoPivotCrossIncidentNote(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	c := cluster(t, e.sim, "ssl_hash", 4, 30)
	source := normalized(t, c.Domains)[0]
	hash := c.Shared["ssl_hash"]
	noteFor := func(ws []*flow.WriteCommand) string {
		_, notes := split(t, ws)
		for _, n := range notes {
			if strings.Contains(n.Note.Content, "ssl_hash "+hash) {
				return n.Note.Content
			}
		}
		t.Fatalf("no note for ssl_hash %s in %d notes", hash, len(notes))
		return ""
	}
	e.internalAuto(t, "a/pivots.auto", source, 4211, 0)
	e.waitIdle(t)
	if n := noteFor(e.drainWrites(t)); strings.Contains(n, "also seen") {
		t.Errorf("first incident's note mentions others:\n%s", n)
	}
	searches := e.sim.Counters().Searches
	e.internalAuto(t, "b/pivots.auto", source, 4302, 0)
	e.waitIdle(t)
	n := noteFor(e.drainWrites(t))
	if want := fmt.Sprintf("ssl_hash %s also seen in incident 4211.", hash); !strings.Contains(n, want) {
		t.Errorf("second incident's note lacks %q:\n%s", want, n)
	}
	if got := e.sim.Counters().Searches - searches; got != 0 {
		t.Errorf("second incident ran %d Iris searches; the stored ones should answer", got)
	}
	e.internalAuto(t, "c/pivots.auto", source, 4400, 0)
	e.waitIdle(t)
	n = noteFor(e.drainWrites(t))
	if want := fmt.Sprintf("ssl_hash %s also seen in incidents 4211, 4302.", hash); !strings.Contains(n, want) {
		t.Errorf("third incident's note lacks %q:\n%s", want, n)
	}
	// Another org's incidents are never named.
	body, _ := json.Marshal(flow.AutoPivot{Domain: source, IncidentID: 4500})
	e.publish(t, &flow.Invocation{
		Version: flow.Version, ID: "d/pivots.auto", Kind: flow.KindPivotsAuto, Payload: flow.PayloadInternal,
		Route: flow.Route{Org: testOrg + 1, Destination: resilient.DomainToolsDestination}, IncidentID: 4500, Body: body,
	})
	e.waitIdle(t)
	if n = noteFor(e.drainWrites(t)); strings.Contains(n, "also seen") {
		t.Errorf("another org's note names incidents:\n%s", n)
	}
}

func TestAutoPivotNoPivots(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	c := cluster(t, e.sim, "ssl_hash", 4, 30)
	source := normalized(t, c.Domains)[0]
	inv := e.call(t, "none", "domaintools_auto_pivot_with_iris", 4500, map[string]any{
		"dt_domain_name": source, "dt_pivot_count": 2,
	})
	var out AutoOutput
	content(t, payload(t, e.finalReply(t, inv.ID)), &out)
	e.waitIdle(t)
	ws := e.drainWrites(t)
	if len(ws) != 1 || ws[0].Kind != flow.WriteNote || !strings.HasPrefix(ws[0].Note.Content, "No pivots found for "+source) ||
		ws[0].ID != inv.ID+"/note/nopivots" || ws[0].IncidentID != 4500 {
		t.Fatalf("writes = %+v", ws)
	}
	if out.Skipped != "no pivots found" || len(out.Runs) != 0 {
		t.Errorf("reply = %+v", out)
	}
}

// A pivot Iris refuses as too large is one clear note, no artifact, and
// neither a failure nor a retry.
func TestAutoPivotLimitExceeded(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{ResultCap: 5})
	c := cluster(t, e.sim, "ssl_hash", 8, 60)
	source := normalized(t, c.Domains)[0]
	hash := c.Shared["ssl_hash"]
	inv := e.call(t, "too-big", "domaintools_auto_pivot_with_iris", 4600, map[string]any{
		"dt_domain_name": source, "dt_pivot_types": "ssl_hash",
	})
	p := payload(t, e.finalReply(t, inv.ID))
	e.waitIdle(t)
	var out AutoOutput
	content(t, p, &out)
	if !p.Success {
		t.Fatalf("auto-pivot failed: %q", p.Reason)
	}
	i := slices.IndexFunc(out.Runs, func(r RunOutput) bool { return r.Value == hash })
	if i < 0 {
		t.Fatalf("no run on the cluster's certificate: %+v", out.Runs)
	}
	if r := out.Runs[i]; !r.LimitExceeded || len(r.New) != 0 {
		t.Errorf("run = %+v, want limit_exceeded and nothing new", r)
	}
	_, notes := split(t, e.drainWrites(t))
	want := "irisflow pivot on ssl_hash " + hash + " (from " + source + ")\n" +
		"Guided count " + fmt.Sprint(len(c.Domains)) + "; more domains match than one Iris search may return; nothing added. " +
		"Narrow it with Execute Pivots and dt_created_date or dt_data_updated_after."
	if !slices.ContainsFunc(notes, func(n *flow.WriteCommand) bool { return n.Note.Content == want }) {
		t.Errorf("no note\n%s\namong %d notes", want, len(notes))
	}
	if dl := e.drainDLQ(t); len(dl) != 0 {
		t.Errorf("dead-lettered: %+v", dl[0])
	}
	cons, err := e.js.Consumer(t.Context(), "FN", "pivoter")
	if err != nil {
		t.Fatal(err)
	}
	if info, err := cons.Info(t.Context()); err != nil || info.NumRedelivered != 0 {
		t.Errorf("redelivered: %+v, %v", info, err)
	}
}
