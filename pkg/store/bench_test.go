package store_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

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

// BenchmarkLedgerLookupMany is the writer's settle lookup (the ledger
// entries of one invocation's 2 writes) on a ledger that was small when the
// lookup was first used and has 20,000 entries now, as in any run of the
// writer from an empty database: a prepared statement would keep the
// sequential scan it was given then (2026-12-03: 3.8–4.2 ms/op prepared,
// 0.52–0.65 ms/op planned at each call; -benchtime 2000x).
func BenchmarkLedgerLookupMany(b *testing.B) {
	s, ctx := setup(b)
	ids := []string{"bench-a", "bench-b"}
	for _, id := range ids {
		if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "bench", time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	for range 20 { // more than PostgreSQL's 5 custom plans, on every pooled connection used
		if got, err := s.LedgerLookupMany(ctx, ids); err != nil || len(got) != 2 {
			b.Fatalf("got %d, err %v", len(got), err)
		}
	}
	exec(b, ctx, s, `INSERT INTO write_ledger (command_id, org, incident, kind) SELECT 'bulk-' || g, 201, g, 'note' FROM generate_series(1, 20000) g`)
	for b.Loop() {
		if got, err := s.LedgerLookupMany(ctx, ids); err != nil || len(got) != 2 {
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

// BenchmarkSearch is `irisflow search` over 100,000 stored profiles (80,000
// domains, 20,000 of them with an older snapshot too): one page (100 rows,
// highest risk first) for each filter alone. Values are shared by a few to
// a few hundred domains, as Iris values are.
func BenchmarkSearch(b *testing.B) {
	s, ctx := setup(b)
	exec(b, ctx, s, `
		INSERT INTO iris_profiles (domain, fetched_at, source, found, raw, risk_score, tags, create_date, registrar)
		SELECT 'd' || d || '.example.com', now() - (i % 1000) * interval '1 minute' - CASE WHEN i > 80000 THEN interval '30 days' ELSE interval '0' END,
			'investigate', true,
			jsonb_build_object(
				'ip', jsonb_build_array(jsonb_build_object('address', jsonb_build_object('value', '10.' || (d / 2560 % 256) || '.' || (d / 10 % 256) || '.1', 'count', 10))),
				'name_server', jsonb_build_array(jsonb_build_object('host', jsonb_build_object('value', 'ns' || (d % 1000) || '.example.net'))),
				'mx', jsonb_build_array(jsonb_build_object('host', jsonb_build_object('value', 'mx' || (d % 500) || '.example.net'))),
				'ssl_info', jsonb_build_array(jsonb_build_object('hash', jsonb_build_object('value', md5('ssl' || (d / 5))))),
				'registrant_contact', jsonb_build_object('email', jsonb_build_array(jsonb_build_object('value', 'owner' || (d / 20) || '@example.org'))),
				'registrant_org', jsonb_build_object('value', 'Org ' || (d / 50)),
				'google_analytics', jsonb_build_object('value', 'UA-' || (d / 3))),
			d % 101, CASE WHEN d % 100 = 0 THEN ARRAY['phishing'] ELSE '{}' END,
			date '2000-01-01' + d % 9000, 'Registrar ' || (d % 50)
		FROM generate_series(1, 100000) AS i, LATERAL (SELECT CASE WHEN i > 80000 THEN i - 80000 ELSE i END AS d) dd`)
	if _, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{
		{Domain: "d777.example.com", Origin: store.OriginAnalyst}, {Domain: "d778.example.com", Origin: store.OriginPivot, Depth: 1}}); err != nil {
		b.Fatal(err)
	}
	exec(b, ctx, s, `ANALYZE iris_profiles`)
	exec(b, ctx, s, `ANALYZE incident_domains`)
	now := time.Now()
	for _, q := range []struct {
		name string
		f    store.SearchFilter
	}{
		{"none", store.SearchFilter{}},
		{"min_risk", store.SearchFilter{MinRisk: ptr(100)}},
		{"tag", store.SearchFilter{Tag: "phishing"}},
		{"registrar", store.SearchFilter{Registrar: "registrar 7"}},
		{"registrant", store.SearchFilter{Registrant: "org 777"}},
		{"email", store.SearchFilter{Email: "owner777@example.org"}},
		{"ip", store.SearchFilter{IP: "10.3.10.1"}},
		{"name_server", store.SearchFilter{NameServer: "ns777.example.net"}},
		{"mx", store.SearchFilter{MX: "mx77.example.net"}},
		{"ssl_hash", store.SearchFilter{SSLHash: md5Hex("ssl777")}},
		{"tracking_code", store.SearchFilter{TrackingCode: "UA-777"}},
		{"created_between", store.SearchFilter{CreatedAfter: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), CreatedBefore: time.Date(2010, 1, 10, 0, 0, 0, 0, time.UTC)}},
		{"incident", store.SearchFilter{Incident: 4206}},
		{"fetched_since", store.SearchFilter{FetchedSince: now.Add(-2 * time.Minute)}},
		{"sort_created", store.SearchFilter{Sort: store.SortCreated}},
		{"sort_fetched", store.SearchFilter{Sort: store.SortFetched}},
		{"sort_domain_page_50", store.SearchFilter{Sort: store.SortDomain, Offset: 5000}},
		{"count_tag", store.SearchFilter{Tag: "phishing", Limit: -1}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if q.f.Limit < 0 {
					if n, err := s.SearchCount(ctx, q.f); err != nil || n == 0 {
						b.Fatalf("count %d, err %v", n, err)
					}
					continue
				}
				ps, err := s.Search(ctx, q.f)
				if err != nil || len(ps) == 0 {
					b.Fatalf("%d rows, err %v", len(ps), err)
				}
			}
		})
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
