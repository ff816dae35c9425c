package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
)

func finds(depth int, ds ...string) []store.IncidentDomain {
	out := make([]store.IncidentDomain, len(ds))
	for i, d := range ds {
		out[i] = store.IncidentDomain{Domain: d, Depth: depth, Origin: store.OriginPivot}
	}
	return out
}

func TestClaimPivotDomains(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const org, inc = 201, 7
	run := func(inv string) int64 {
		id, err := s.RecordPivotRun(ctx, store.PivotRun{Org: org, Incident: inc, Type: "ip", Value: inv, InvocationID: inv})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// An analyst's domain is never claimed by a pivot.
	if _, err := s.ClaimIncidentDomains(ctx, org, inc, []store.IncidentDomain{{Domain: "seen.example", Origin: store.OriginAnalyst}}); err != nil {
		t.Fatal(err)
	}
	r1 := run("inv-1")
	got, err := s.ClaimPivotDomains(ctx, org, inc, r1, finds(1, "seen.example", "A.example", "b.example", "c.example", "a.example"), 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.example", "b.example"}; !slices.Equal(got.Held, want) || got.Known != 1 {
		t.Fatalf("first claim = %+v, want %v and 1 known (per-run cap 2, skipping the analyst's domain)", got, want)
	}
	// The same run again (redelivery) holds the same domains, no more.
	got, err = s.ClaimPivotDomains(ctx, org, inc, r1, finds(1, "seen.example", "a.example", "b.example", "c.example"), 2, 0)
	if err != nil || !slices.Equal(got.Held, []string{"a.example", "b.example"}) || got.Known != 1 {
		t.Fatalf("redelivered claim = %v, %v", got, err)
	}
	// Another run finds the rest only; the incident cap (3 pivot finds) stops it at one.
	r2 := run("inv-2")
	got, err = s.ClaimPivotDomains(ctx, org, inc, r2, finds(1, "a.example", "c.example", "d.example"), 10, 3)
	if err != nil || !slices.Equal(got.Held, []string{"c.example"}) || got.Known != 1 {
		t.Fatalf("second run claim = %+v, %v; want [c.example], 1 known (a.example)", got, err)
	}
	d, ok, err := s.IncidentDomain(ctx, org, inc, "c.example")
	if err != nil || !ok || d.Depth != 1 || d.Origin != store.OriginPivot || d.RunID == nil || *d.RunID != r2 {
		t.Fatalf("claimed row = %+v, %v, %v", d, ok, err)
	}
	if _, err := s.ClaimPivotDomains(ctx, org, inc, r2, finds(0, "x.example"), 10, 0); err == nil {
		t.Error("depth 0 accepted for a pivot find")
	}
}

func TestClaimPivotDomainsConcurrentIncidentCap(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const org, inc, runs, cap = 201, 9, 6, 7
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total []string
	)
	for i := range runs {
		id, err := s.RecordPivotRun(ctx, store.PivotRun{Org: org, Incident: inc, Type: "ip", Value: fmt.Sprint(i), InvocationID: fmt.Sprint("inv-", i)})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := finds(1, fmt.Sprintf("r%d-1.example", i), fmt.Sprintf("r%d-2.example", i), "shared.example")
			got, err := s.ClaimPivotDomains(ctx, org, inc, id, ds, 0, cap)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			total = append(total, got.Held...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(total) != cap {
		t.Fatalf("claimed %d domains across concurrent runs, want the incident cap %d: %v", len(total), cap, total)
	}
	slices.Sort(total)
	if len(slices.Compact(total)) != cap {
		t.Fatalf("a domain was claimed twice: %v", total)
	}
}
