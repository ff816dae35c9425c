package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

func sampleRun(inv string) store.PivotRun {
	return store.PivotRun{
		Org: 201, Incident: 4206, SourceDomain: "Source.Example",
		Type: "ip", Value: "192.0.2.10", GuidedCount: 3, ResultCount: 3,
		InvocationID: inv,
		Results: []store.PivotResult{
			{Domain: "low.example", RiskScore: ptr(10)},
			{Domain: "HIGH.example", RiskScore: ptr(90)},
			{Domain: "none.example"},
			{Domain: "high.example", RiskScore: ptr(1)}, // duplicate after normalising: first kept
		},
	}
}

func TestRecordPivotRunAndFind(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	id, err := s.RecordPivotRun(ctx, sampleRun("inv-1"))
	if err != nil {
		t.Fatalf("RecordPivotRun: %v", err)
	}
	wantResults := []store.PivotResult{
		{Domain: "high.example", RiskScore: ptr(90)},
		{Domain: "low.example", RiskScore: ptr(10)},
		{Domain: "none.example"},
	}
	for _, q := range []string{"source.example", "High.Example", "192.0.2.10"} {
		runs, err := s.PivotRunsFor(ctx, q, 0)
		if err != nil {
			t.Fatalf("PivotRunsFor(%q): %v", q, err)
		}
		if len(runs) != 1 {
			t.Fatalf("PivotRunsFor(%q) = %d runs, want 1", q, len(runs))
		}
		r := runs[0]
		if r.ID != id || r.Org != 201 || r.Incident != 4206 || r.SourceDomain != "source.example" ||
			r.Type != "ip" || r.Value != "192.0.2.10" || r.GuidedCount != 3 || r.ResultCount != 3 ||
			r.InvocationID != "inv-1" || r.RunAt.IsZero() {
			t.Errorf("PivotRunsFor(%q) run = %+v", q, r)
		}
		if !reflect.DeepEqual(r.Results, wantResults) {
			t.Errorf("PivotRunsFor(%q) results = %+v, want %+v", q, r.Results, wantResults)
		}
	}
	if runs, err := s.PivotRunsFor(ctx, "unrelated.example", 0); err != nil || len(runs) != 0 {
		t.Fatalf("PivotRunsFor(unrelated) = %v, %v; want none", runs, err)
	}
}

// An e-mail query finds the runs on that address (any case), not every run
// that found the address's domain; an execute run has no source domain and
// is not matched by an empty one.
func TestPivotRunsForValue(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	record := func(inv, src, typ, value string, found ...string) int64 {
		t.Helper()
		r := store.PivotRun{Org: 201, Incident: 4206, SourceDomain: src, Type: typ, Value: value, InvocationID: inv}
		for _, d := range found {
			r.Results = append(r.Results, store.PivotResult{Domain: d})
		}
		id, err := s.RecordPivotRun(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	email := record("inv-email", "whoissuggest.example", "email", "MemberServices@evil.example", "evil.example", "other.example")
	ip := record("inv-ip", "whoissuggest.example", "ip", "192.0.2.7", "evil.example")
	exec := record("inv-exec", "", "ssl_subject", "CN=Evil Corp", "third.example")
	tests := []struct {
		query string
		want  []int64
	}{
		{"memberservices@evil.example", []int64{email}},
		{" MEMBERSERVICES@EVIL.EXAMPLE ", []int64{email}},
		{"evil.example", []int64{ip, email}},
		{"cn=evil corp", []int64{exec}},
		{"192.0.2.7", []int64{ip}},
		{"nobody@evil.example", nil},
	}
	for _, tc := range tests {
		runs, err := s.PivotRunsFor(ctx, tc.query, 0)
		if err != nil {
			t.Fatalf("PivotRunsFor(%q): %v", tc.query, err)
		}
		var got []int64
		for _, r := range runs {
			got = append(got, r.ID)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("PivotRunsFor(%q) = runs %v, want %v", tc.query, got, want)
		}
	}
}

func TestRecordPivotRunIdempotentOnRedelivery(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	first, err := s.RecordPivotRun(ctx, sampleRun("inv-redelivered"))
	if err != nil {
		t.Fatal(err)
	}
	// Redeliveries, some concurrent, with the same invocation, type and value.
	var wg sync.WaitGroup
	ids := make([]int64, 5)
	errs := make([]error, 5)
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = s.RecordPivotRun(ctx, sampleRun("inv-redelivered")) })
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != first {
			t.Errorf("redelivery %d: id %d, err %v; want id %d", i, ids[i], errs[i], first)
		}
	}
	if n := count(t, ctx, s, `SELECT count(*) FROM pivot_runs`); n != 1 {
		t.Errorf("pivot_runs has %d rows, want 1", n)
	}
	if n := count(t, ctx, s, `SELECT count(*) FROM pivot_results`); n != 3 {
		t.Errorf("pivot_results has %d rows, want 3", n)
	}
	// Another value from the same invocation is another run.
	other := sampleRun("inv-redelivered")
	other.Type, other.Value = "registrant_org", "Evil Corp"
	id2, err := s.RecordPivotRun(ctx, other)
	if err != nil || id2 == first {
		t.Fatalf("second pivot of the invocation: id %d (first %d), err %v", id2, first, err)
	}
}

func TestRecordPivotRunRejects(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	tests := []struct {
		name string
		mut  func(*store.PivotRun)
	}{
		{"no invocation id", func(r *store.PivotRun) { r.InvocationID = "" }},
		{"no type", func(r *store.PivotRun) { r.Type = "" }},
		{"bad result domain", func(r *store.PivotRun) { r.Results = append(r.Results, store.PivotResult{Domain: "not a domain"}) }},
	}
	for _, tc := range tests {
		r := sampleRun("inv-bad")
		tc.mut(&r)
		if _, err := s.RecordPivotRun(ctx, r); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
	if n := count(t, ctx, s, `SELECT count(*) FROM pivot_runs`); n != 0 {
		t.Fatalf("%d runs written despite invalid input", n)
	}
}

func TestOtherIncidentsWithPivot(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	record := func(org, incident int64, typ, value string) {
		t.Helper()
		r := store.PivotRun{Org: org, Incident: incident, SourceDomain: "src.example", Type: typ, Value: value,
			InvocationID: fmt.Sprintf("inv-%d-%d-%s", org, incident, value)}
		if _, err := s.RecordPivotRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	record(201, 30, "ip", "192.0.2.1")
	record(201, 10, "ip", "192.0.2.1")
	record(201, 1, "ip", "192.0.2.1") // the incident asking
	record(201, 20, "ip", "192.0.2.1")
	record(201, 10, "ip", "192.0.2.99")      // other value
	record(201, 40, "ssl_hash", "192.0.2.1") // other type
	record(202, 50, "ip", "192.0.2.1")       // other org

	got, err := s.OtherIncidentsWithPivot(ctx, 201, "ip", "192.0.2.1", 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{10, 20, 30}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, err := s.OtherIncidentsWithPivot(ctx, 201, "ip", "198.51.100.1", 1); err != nil || len(got) != 0 {
		t.Fatalf("unknown value: %v, %v", got, err)
	}
}

func TestPivotSearchCache(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	if _, ok, err := s.LatestPivotSearch(ctx, "ip", "192.0.2.1", "", 0); err != nil || ok {
		t.Fatalf("empty cache: ok %v err %v", ok, err)
	}
	old := store.PivotSearch{Type: "ip", Value: "192.0.2.1", TotalCount: 1, Results: []store.PivotResult{{Domain: "old.example"}}}
	if err := s.SavePivotSearch(ctx, old); err != nil {
		t.Fatal(err)
	}
	exec(t, ctx, s, `UPDATE pivot_searches SET fetched_at = now() - interval '2 hours'`)
	cur := store.PivotSearch{Type: "ip", Value: "192.0.2.1", TotalCount: 2, LimitExceeded: false,
		Results: []store.PivotResult{{Domain: "A.example", RiskScore: ptr(70)}, {Domain: "b.example"}}}
	if err := s.SavePivotSearch(ctx, cur); err != nil {
		t.Fatal(err)
	}
	filtered := store.PivotSearch{Type: "ip", Value: "192.0.2.1", FiltersKey: "tld=com", LimitExceeded: true, TotalCount: 12000}
	if err := s.SavePivotSearch(ctx, filtered); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		filtersKey string
		maxAge     time.Duration
		wantOK     bool
		wantTotal  int
	}{
		{"newest within ttl", "", time.Hour, true, 2},
		{"any age still newest", "", 0, true, 2},
		{"filters are a different search", "tld=com", time.Hour, true, 12000},
		{"unknown filters", "tld=net", 0, false, 0},
	}
	for _, tc := range tests {
		got, ok, err := s.LatestPivotSearch(ctx, "ip", "192.0.2.1", tc.filtersKey, tc.maxAge)
		if err != nil || ok != tc.wantOK {
			t.Fatalf("%s: ok %v err %v, want ok %v", tc.name, ok, err, tc.wantOK)
		}
		if ok && got.TotalCount != tc.wantTotal {
			t.Errorf("%s: total %d, want %d", tc.name, got.TotalCount, tc.wantTotal)
		}
	}
	got, _, _ := s.LatestPivotSearch(ctx, "ip", "192.0.2.1", "", time.Hour)
	want := []store.PivotResult{{Domain: "a.example", RiskScore: ptr(70)}, {Domain: "b.example"}}
	if !reflect.DeepEqual(got.Results, want) || got.FetchedAt.IsZero() {
		t.Errorf("results %+v fetched %v, want %+v", got.Results, got.FetchedAt, want)
	}
	// Once the newest is stale, the TTL hides the search entirely.
	exec(t, ctx, s, `UPDATE pivot_searches SET fetched_at = fetched_at - interval '3 hours'`)
	if _, ok, err := s.LatestPivotSearch(ctx, "ip", "192.0.2.1", "", time.Hour); err != nil || ok {
		t.Fatalf("stale search returned: ok %v err %v", ok, err)
	}
}

func TestClaimIncidentDomainsConcurrent(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	var all []store.IncidentDomain
	for i := range 50 {
		all = append(all, store.IncidentDomain{Domain: fmt.Sprintf("found%02d.example", i), Depth: 1, Origin: store.OriginPivot})
	}
	const claimers = 20
	claimed := make([][]string, claimers)
	errs := make([]error, claimers)
	var wg sync.WaitGroup
	for c := range claimers {
		mine := slices.Clone(all)
		rand.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
		wg.Go(func() { claimed[c], errs[c] = s.ClaimIncidentDomains(ctx, 201, 4206, mine) })
	}
	wg.Wait()
	times := map[string]int{}
	for c := range claimers {
		if errs[c] != nil {
			t.Fatalf("claimer %d: %v", c, errs[c])
		}
		for _, d := range claimed[c] {
			times[d]++
		}
	}
	for _, d := range all {
		if times[d.Domain] != 1 {
			t.Errorf("%s claimed %d times, want exactly once", d.Domain, times[d.Domain])
		}
	}
	// The same domains on another incident are that incident's to claim.
	got, err := s.ClaimIncidentDomains(ctx, 201, 4207, all[:3])
	if err != nil || len(got) != 3 {
		t.Fatalf("other incident: claimed %v, err %v; want 3", got, err)
	}
}

func TestClaimIncidentDomainsSkipsKnownAndKeepsOrder(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	runID, err := s.RecordPivotRun(ctx, sampleRun("inv-claim"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{
		{Domain: "Analyst.Example", Origin: store.OriginAnalyst, ArtifactID: ptr(int64(77))},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{
		{Domain: "z.example", Depth: 1, Origin: store.OriginPivot, RunID: &runID},
		{Domain: "analyst.example", Depth: 1, Origin: store.OriginPivot, RunID: &runID}, // already on the incident
		{Domain: "a.example", Depth: 1, Origin: store.OriginPivot, RunID: &runID},
		{Domain: "Z.example.", Depth: 1, Origin: store.OriginPivot, RunID: &runID}, // duplicate
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"z.example", "a.example"}; !slices.Equal(got, want) {
		t.Fatalf("claimed %v, want %v", got, want)
	}

	tests := []struct {
		domain string
		want   *store.IncidentDomain
	}{
		{"ANALYST.example", &store.IncidentDomain{Domain: "analyst.example", Depth: 0, Origin: store.OriginAnalyst, ArtifactID: ptr(int64(77))}},
		{"z.example", &store.IncidentDomain{Domain: "z.example", Depth: 1, Origin: store.OriginPivot, RunID: &runID}},
		{"never.example", nil},
	}
	for _, tc := range tests {
		got, ok, err := s.IncidentDomain(ctx, 201, 4206, tc.domain)
		if err != nil || ok != (tc.want != nil) {
			t.Fatalf("%s: ok %v err %v", tc.domain, ok, err)
		}
		if !ok {
			continue
		}
		if got.CreatedAt.IsZero() {
			t.Errorf("%s: created_at not set", tc.domain)
		}
		got.CreatedAt = time.Time{}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.domain, got, tc.want)
		}
	}

	// The depth limit's one rule: the larger of the work's and the recorded depth.
	for _, tc := range []struct {
		domain     string
		work, want int
		known      bool
	}{
		{"analyst.example", 0, 0, true},
		{"analyst.example", 2, 2, true}, // internal work deeper than the analyst's record
		{"z.example", 0, 1, true},       // an action from SOAR (depth 0) on a pivot-found domain
		{"never.example", 1, 1, false},
	} {
		depth, known, err := s.PivotDepth(ctx, 201, 4206, tc.domain, tc.work)
		if err != nil || depth != tc.want || known != tc.known {
			t.Errorf("PivotDepth(%s, work %d) = %d, %v, %v; want %d, %v", tc.domain, tc.work, depth, known, err, tc.want, tc.known)
		}
	}

	if err := s.SetIncidentArtifact(ctx, 201, 4206, "a.example", 901); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.IncidentDomain(ctx, 201, 4206, "a.example"); got.ArtifactID == nil || *got.ArtifactID != 901 {
		t.Errorf("artifact id after SetIncidentArtifact: %+v", got)
	}
	if err := s.SetIncidentArtifact(ctx, 201, 4206, "never.example", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetIncidentArtifact on an unknown domain: %v, want ErrNotFound", err)
	}
	if _, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{{Domain: "x.example", Origin: "guess"}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad origin: %v, want ErrInvalid", err)
	}
}
