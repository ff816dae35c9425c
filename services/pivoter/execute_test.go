package pivoter

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/resilient"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func TestExecuteMatchesSimulator(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	c5 := cluster(t, e.sim, "ssl_hash", 5, 60)
	cIP := cluster(t, e.sim, "ip", 5, 60)
	cNS := cluster(t, e.sim, "nameserver_host", 100, 300)
	cOrg := cluster(t, e.sim, "registrant_org", 5, 60)
	cMX := cluster(t, e.sim, "mailserver_host", 501, 1000) // two pages of 500
	tests := []struct {
		name, typ string
		typeInput any // as SOAR sends dt_pivot_type
		param     string
		value     string
	}{
		{"ssl_hash", "ssl_hash", "ssl_hash", "ssl_hash", c5.Shared["ssl_hash"]},
		{"select form", "ip", map[string]any{"id": 101, "name": "ip"}, "ip", cIP.Shared["ip"]},
		{"ip_address alias", "ip", "ip_address", "ip", cIP.Shared["ip"]},
		{"nameserver_hspot alias", "nameserver_host", "nameserver_hspot", "nameserver_host", cNS.Shared["nameserver_host"]},
		{"registrant_orf alias", "registrant_org", "registrant_orf", "registrant_org", cOrg.Shared["registrant_org"]},
		{"mailserver_hspot alias, 2 pages", "mailserver_host", "mailserver_hspot", "mailserver_host", cMX.Shared["mailserver_host"]},
		{"ssl_dhash alias", "ssl_hash", map[string]any{"id": 7, "name": "ssl_dhash"}, "ssl_hash", c5.Shared["ssl_hash"]},
		{"tagged_with_any", "tagged_with_any", "tagged_with_any", "tagged_with_any", "phishing"},
		{"tagged_with_all", "tagged_with_all", "Tagged With All", "tagged_with_all", "phishing"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("exec-%d", i)
			pages := e.sim.Counters().Pages
			e.call(t, id, "domaintools_execute_pivots", 0, map[string]any{
				"dt_pivot_type": tc.typeInput, "dt_pivot_value": tc.value,
			})
			var out ExecuteOutput
			content(t, payload(t, e.finalReply(t, id)), &out)
			pages = e.sim.Counters().Pages - pages
			want := normalized(t, e.sim.Matching(tc.param, tc.value))
			if len(want) < 2 {
				t.Fatalf("the simulator has %d domains for %s=%s: not a test", len(want), tc.param, tc.value)
			}
			got := normalized(t, out.Pivots)
			if !slices.Equal(got, want) {
				t.Fatalf("found %d domains, simulator matches %d:\n got %v\nwant %v", len(got), len(want), got, want)
			}
			if len(out.Pivots) != len(got) || len(out.Domains) != len(got) || out.TotalCount != len(want) {
				t.Errorf("duplicates or counts off: %d pivots, %d domains, total %d, want %d", len(out.Pivots), len(out.Domains), out.TotalCount, len(want))
			}
			// Paged to the end: one Iris page per 500 domains, none when the
			// same search was stored by an earlier case.
			if wantPages := int64((len(want) + 499) / 500); (out.Cached && pages != 0) || (!out.Cached && pages != wantPages) {
				t.Errorf("%d Iris pages for %d domains (cached %v)", pages, len(want), out.Cached)
			}
			if out.Type != tc.param || out.Value != tc.value || out.LimitExceeded || out.Truncated {
				t.Errorf("output header = %+v", out)
			}
			for _, d := range out.Domains {
				if d.RiskScore == nil {
					t.Errorf("%s without risk score", d.Domain)
				}
			}
		})
	}
}

func TestExecuteCacheAndFilters(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	c := cluster(t, e.sim, "ssl_hash", 5, 60)
	hash := c.Shared["ssl_hash"]

	e.call(t, "first", "domaintools_execute_pivots", 0, map[string]any{"dt_pivot_type": "ssl_hash", "dt_pivot_value": hash})
	var first ExecuteOutput
	content(t, payload(t, e.finalReply(t, "first")), &first)
	if first.Cached {
		t.Fatal("first search came from the cache")
	}
	before := e.sim.Counters().Requests
	e.call(t, "second", "domaintools_execute_pivots", 0, map[string]any{"dt_pivot_type": "ssl_dhash", "dt_pivot_value": hash})
	var second ExecuteOutput
	content(t, payload(t, e.finalReply(t, "second")), &second)
	if got := e.sim.Counters().Requests - before; got != 0 {
		t.Errorf("second execute within the TTL sent %d Iris requests, want 0", got)
	}
	if !second.Cached || !slices.Equal(second.Pivots, first.Pivots) {
		t.Errorf("cached answer differs: cached=%v %v vs %v", second.Cached, second.Pivots, first.Pivots)
	}

	// dt_created_date (epoch ms, as SOAR sends dates) narrows to the
	// members registered that day.
	var r iris.Result
	raw, _ := e.sim.Domain(c.Domains[0])
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	created, ok := r.Created()
	if !ok {
		t.Fatalf("%s without create date", c.Domains[0])
	}
	e.call(t, "filtered", "domaintools_execute_pivots", 0, map[string]any{
		"dt_pivot_type": "ssl_hash", "dt_pivot_value": hash, "dt_created_date": created.UnixMilli(),
		"dt_data_updated_after": nil,
	})
	var filtered ExecuteOutput
	p := payload(t, e.finalReply(t, "filtered"))
	content(t, p, &filtered)
	sameDay := e.sim.Matching("create_date", created.Format(time.DateOnly))
	want := normalized(t, slices.DeleteFunc(e.sim.Matching("ssl_hash", hash), func(d string) bool { return !slices.Contains(sameDay, d) }))
	if got := normalized(t, filtered.Pivots); !slices.Equal(got, want) || filtered.Cached {
		t.Errorf("filtered search = %v (cached %v), want %v", got, filtered.Cached, want)
	}
	if filtered.Filters["create_date"] != created.Format(time.DateOnly) {
		t.Errorf("filters = %v", filtered.Filters)
	}
	// dt_data_updated_after in each encoding a date input may come in:
	// epoch ms as a number or a string, YYYY-MM-DD, RFC 3339. Iris keeps
	// the members updated on or after the day.
	members := normalized(t, c.Domains)
	y2k := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	future := time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		in   any
		day  string
		want []string
	}{
		{y2k.UnixMilli(), "2000-01-01", members},
		{fmt.Sprint(future.UnixMilli()), "2999-01-01", nil},
		{"2000-01-01", "2000-01-01", members},
		{"2999-01-01T00:00:00Z", "2999-01-01", nil},
	} {
		id := fmt.Sprintf("updated-%d", i)
		e.call(t, id, "domaintools_execute_pivots", 0, map[string]any{
			"dt_pivot_type": "ssl_hash", "dt_pivot_value": hash, "dt_data_updated_after": tc.in,
		})
		var out ExecuteOutput
		content(t, payload(t, e.finalReply(t, id)), &out)
		if got := normalized(t, out.Pivots); !slices.Equal(got, normalized(t, tc.want)) || out.Filters["data_updated_after"] != tc.day {
			t.Errorf("dt_data_updated_after %v: filters %v, found %v, want %v", tc.in, out.Filters, got, tc.want)
		}
	}
	if len(want) == len(c.Domains) {
		t.Logf("every member of cluster %d was created on %s: the filter is not discriminating here", c.ID, created.Format(time.DateOnly))
	}
}

func TestExecuteLimitExceeded(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{ResultCap: 10})
	c := cluster(t, e.sim, "nameserver_host", 50, 1000)
	host := c.Shared["nameserver_host"]
	before := e.sim.Counters()
	e.call(t, "big", "domaintools_execute_pivots", 4206, map[string]any{"dt_pivot_type": "nameserver_host", "dt_pivot_value": host})
	p := payload(t, e.finalReply(t, "big"))
	e.waitIdle(t)
	after := e.sim.Counters()
	if want := "Iris: too many domains match nameserver_host=" + host + " (more than one search may return); narrow the search with dt_created_date / dt_data_updated_after"; p.Success || p.Reason != want {
		t.Errorf("limit exceeded reply: success=%v reason=%q", p.Success, p.Reason)
	}
	var out ExecuteOutput
	content(t, p, &out)
	if !out.LimitExceeded || len(out.Pivots) != 0 {
		t.Errorf("content = %+v", out)
	}
	if got := after.Requests - before.Requests; got != 1 {
		t.Errorf("%d Iris requests for an over-cap search, want exactly 1", got)
	}
	if dl := e.drainDLQ(t); len(dl) != 0 {
		t.Errorf("limit exceeded dead-lettered: %+v", dl[0])
	}
	cons, err := e.js.Consumer(t.Context(), "FN", "pivoter")
	if err != nil {
		t.Fatal(err)
	}
	if info, err := cons.Info(t.Context()); err != nil || info.NumRedelivered != 0 || info.Delivered.Consumer != 1 {
		t.Errorf("redelivered: %+v, %v", info, err)
	}
	// The run is in the history, flagged.
	runs, err := e.store.PivotRunsFor(t.Context(), host, 10)
	if err != nil || len(runs) != 1 || !runs[0].LimitExceeded || runs[0].Incident != 4206 {
		t.Errorf("history = %+v, %v", runs, err)
	}
}

func TestExecuteBadInput(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	tests := []struct {
		name   string
		inputs map[string]any
		want   string
	}{
		{"unknown type", map[string]any{"dt_pivot_type": "asn", "dt_pivot_value": "17318"}, `unknown pivot type "asn"`},
		{"no value", map[string]any{"dt_pivot_type": "ip"}, "dt_pivot_value is required"},
		{"no type", map[string]any{"dt_pivot_value": "192.0.2.1"}, "dt_pivot_type is required"},
		{"bad date", map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": "192.0.2.1", "dt_created_date": "last tuesday"}, "dt_created_date is not a date"},
	}
	for i, tc := range tests {
		id := fmt.Sprintf("bad-%d", i)
		e.call(t, id, "domaintools_execute_pivots", 0, tc.inputs)
		ack := e.finalReply(t, id)
		if ack.MessageType != resilient.MessageError || !ack.Complete || !strings.Contains(ack.Message, tc.want) {
			t.Errorf("%s: reply = %+v, want an error naming %q", tc.name, ack, tc.want)
		}
	}
	e.waitIdle(t)
	if dl := e.drainDLQ(t); len(dl) != len(tests) {
		t.Errorf("%d dead letters, want %d", len(dl), len(tests))
	}
	// The service keeps working.
	c := cluster(t, e.sim, "ip", 2, 60)
	e.call(t, "good", "domaintools_execute_pivots", 0, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": c.Shared["ip"]})
	if p := payload(t, e.finalReply(t, "good")); !p.Success {
		t.Errorf("good call after bad ones failed: %q", p.Reason)
	}
}

func TestAuthFailure(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{Users: map[string]string{"demo": "another-key"}})
	e.call(t, "auth", "domaintools_execute_pivots", 0, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": "192.0.2.1"})
	ack := e.finalReply(t, "auth")
	if ack.MessageType != resilient.MessageError || !strings.Contains(ack.Message, "not authorised") {
		t.Errorf("reply = %+v", ack)
	}
	if ok, _ := e.ready.Ready(); ok {
		t.Error("still ready after Iris refused the credentials")
	}
}

// The seed's Auto Pivot workflow calls Execute Pivots with dt_pivot_type and
// dt_pivot_value only: no incident_id. Those runs are in the pivot history
// too (incident 0, unknown), and a workflow that passes incident_id gets
// its run recorded against that incident.
func TestExecuteRecordsRunsOfWorkflowsWithoutIncident(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	ip := cluster(t, e.sim, "ip", 5, 60).Shared["ip"]

	e.call(t, "seed-wf", "domaintools_execute_pivots", 0, map[string]any{
		"dt_pivot_type": map[string]any{"id": 302, "name": "ip"}, "dt_pivot_value": ip,
		"dt_data_updated_after": nil, "dt_created_date": nil,
	})
	var out ExecuteOutput
	content(t, payload(t, e.finalReply(t, "seed-wf")), &out)
	e.call(t, "with-incident", "domaintools_execute_pivots", 4206, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": ip})
	e.finalReply(t, "with-incident")

	runs, err := e.store.PivotRunsFor(t.Context(), ip, 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("pivot history for %s: %d runs (%v), want 2", ip, len(runs), err)
	}
	byInv := map[string]int{runs[0].InvocationID: 0, runs[1].InvocationID: 1}
	seed, inc := runs[byInv["seed-wf"]], runs[byInv["with-incident"]]
	if seed.Incident != 0 || seed.Org != testOrg || seed.Type != "ip" || seed.ResultCount != out.TotalCount || len(seed.Results) != len(out.Pivots) {
		t.Errorf("the seed workflow's run = %+v", seed)
	}
	if inc.Incident != 4206 {
		t.Errorf("the run with incident_id: incident %d, want 4206", inc.Incident)
	}
	found := make([]string, len(seed.Results))
	for i, r := range seed.Results {
		found[i] = r.Domain
	}
	slices.Sort(found)
	want := normalized(t, out.Pivots)
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Errorf("recorded finds %v, replied %v", found, want)
	}
	// A run of no incident is not "another incident" in pivot notes.
	others, err := e.store.OtherIncidentsWithPivot(t.Context(), testOrg, "ip", ip, 9999)
	if err != nil || !slices.Equal(others, []int64{4206}) {
		t.Errorf("other incidents = %v (%v), want [4206]", others, err)
	}
}
