package store_test

import (
	"fmt"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
)

// BenchmarkSaveProfiles100 saves one Iris answer of 100 profiles per op.
func BenchmarkSaveProfiles100(b *testing.B) {
	s, ctx := setup(b)
	ps := make([]store.Profile, 100)
	for i := range ps {
		ps[i] = fullProfile(fmt.Sprintf("bench%03d.example.com", i), i)
	}
	for b.Loop() {
		if err := s.SaveProfiles(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLatestProfiles100 is the cache lookup for a 100-domain batch,
// over a history of 10 fetches per domain.
func BenchmarkLatestProfiles100(b *testing.B) {
	s, ctx := setup(b)
	ps := make([]store.Profile, 100)
	domains := make([]string, 100)
	for i := range ps {
		domains[i] = fmt.Sprintf("bench%03d.example.com", i)
		ps[i] = fullProfile(domains[i], i)
	}
	for range 10 {
		if err := s.SaveProfiles(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	exec(b, ctx, s, `ANALYZE iris_profiles`)
	for b.Loop() {
		got, err := s.LatestProfiles(ctx, domains, 0)
		if err != nil || len(got) != 100 {
			b.Fatalf("got %d, err %v", len(got), err)
		}
	}
}

// BenchmarkQuotaTake is one shared-bucket step (a bucket that never runs dry).
func BenchmarkQuotaTake(b *testing.B) {
	s, ctx := setup(b)
	q, err := s.Quota(ctx, store.QuotaConfig{PerMinute: 1_000_000_000})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if w, err := q.Take(ctx); err != nil || w != 0 {
			b.Fatalf("wait %v err %v", w, err)
		}
	}
}
