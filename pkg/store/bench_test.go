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

// BenchmarkPivotRunsFor is `irisflow pivots QUERY` over a pivot history of
// 100,000 runs with 10 results each: a lookup by value (case-insensitive),
// by source domain and by found domain.
func BenchmarkPivotRunsFor(b *testing.B) {
	s, ctx := setup(b)
	exec(b, ctx, s, `
		INSERT INTO pivot_runs (org, incident, source_domain, pivot_type, pivot_value, invocation_id)
		SELECT 201, i / 10, 'src' || i || '.example.com', 'ip', '10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256), 'inv-' || i
		FROM generate_series(1, 100000) AS i`)
	exec(b, ctx, s, `
		INSERT INTO pivot_results (run_id, domain, risk_score)
		SELECT r.id, 'found' || r.id || '-' || j || '.example.com', j * 10
		FROM pivot_runs r, generate_series(1, 10) AS j`)
	exec(b, ctx, s, `ANALYZE pivot_runs`)
	exec(b, ctx, s, `ANALYZE pivot_results`)
	for _, q := range []struct{ name, query string }{
		{"value", "10.1.134.160"}, // run 100000
		{"source", "SRC77777.example.com"},
		{"found", "found4242-7.example.com"},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				runs, err := s.PivotRunsFor(ctx, q.query, 0)
				if err != nil || len(runs) != 1 {
					b.Fatalf("%s: %d runs, err %v", q.query, len(runs), err)
				}
			}
		})
	}
}
