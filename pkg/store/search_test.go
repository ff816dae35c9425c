package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

// searchProfile is a found profile whose raw result carries one value of
// every pivotable kind, each derived from n.
func searchProfile(domain string, n, risk int, tags []string, created time.Time) store.Profile {
	s := func(prefix string) map[string]any { return map[string]any{"value": prefix, "count": n} }
	raw, _ := json.Marshal(map[string]any{
		"domain":             domain,
		"ip":                 []any{map[string]any{"address": s("10.0.0." + itoa(n))}},
		"name_server":        []any{map[string]any{"host": s("NS" + itoa(n) + ".Example.net")}},
		"mx":                 []any{map[string]any{"host": s("mx" + itoa(n) + ".example.net")}},
		"ssl_info":           []any{map[string]any{"hash": s("ab" + itoa(n) + "cd")}},
		"registrant_contact": map[string]any{"email": []any{s("owner" + itoa(n) + "@example.org")}},
		"registrant_org":     s("Org " + itoa(n)),
		"google_analytics":   s("UA-" + itoa(n)),
	})
	return store.Profile{Domain: domain, Source: store.SourceInvestigate, Found: true, Raw: raw, RiskScore: &risk,
		Tags: tags, CreateDate: &created, Registrar: "Registrar " + itoa(n%2)}
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func domainsOf(ps []store.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Domain
	}
	return out
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	day := func(d int) time.Time { return time.Date(2020, 1, d, 0, 0, 0, 0, time.UTC) }
	old := time.Now().Add(-72 * time.Hour)
	a := searchProfile("a.example.com", 1, 95, []string{"phishing"}, day(1))
	b := searchProfile("b.example.com", 2, 40, nil, day(10))
	c := searchProfile("c.example.com", 3, 70, []string{"phishing", "watch"}, day(20))
	// a's older snapshot had c's IP and a higher risk: only the newest counts.
	aOld := searchProfile("a.example.com", 3, 99, nil, day(1))
	aOld.FetchedAt = old
	b.FetchedAt = old
	if err := s.SaveProfiles(ctx, []store.Profile{aOld, a, b, c, {Domain: "gone.example.com", Source: store.SourceInvestigate}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{{Domain: "c.example.com", Origin: store.OriginAnalyst}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    store.SearchFilter
		want []string
	}{
		{"all, risk first", store.SearchFilter{}, []string{"a.example.com", "c.example.com", "b.example.com"}},
		{"min risk", store.SearchFilter{MinRisk: ptr(70)}, []string{"a.example.com", "c.example.com"}},
		{"tag", store.SearchFilter{Tag: "watch"}, []string{"c.example.com"}},
		{"registrar", store.SearchFilter{Registrar: "REGISTRAR 00"}, []string{"b.example.com"}},
		{"registrant", store.SearchFilter{Registrant: "ORG 01"}, []string{"a.example.com"}},
		{"email", store.SearchFilter{Email: "Owner02@example.org"}, []string{"b.example.com"}},
		{"ip of an older snapshot only", store.SearchFilter{IP: "10.0.0.03"}, []string{"c.example.com"}},
		{"name server", store.SearchFilter{NameServer: "ns02.example.net"}, []string{"b.example.com"}},
		{"mx", store.SearchFilter{MX: "mx03.example.net"}, []string{"c.example.com"}},
		{"ssl", store.SearchFilter{SSLHash: "AB01CD"}, []string{"a.example.com"}},
		{"tracking", store.SearchFilter{TrackingCode: "ua-02"}, []string{"b.example.com"}},
		{"created after", store.SearchFilter{CreatedAfter: day(10)}, []string{"c.example.com", "b.example.com"}},
		{"created before", store.SearchFilter{CreatedBefore: day(10)}, []string{"a.example.com", "b.example.com"}},
		{"incident", store.SearchFilter{Incident: 4206}, []string{"c.example.com"}},
		{"incident of another org", store.SearchFilter{Incident: 4206, Org: 202}, []string{}},
		{"fetched since", store.SearchFilter{FetchedSince: time.Now().Add(-time.Hour)}, []string{"a.example.com", "c.example.com"}},
		{"like", store.SearchFilter{DomainLike: "b.ex"}, []string{"b.example.com"}},
		{"two filters", store.SearchFilter{Tag: "phishing", MinRisk: ptr(90)}, []string{"a.example.com"}},
		{"sort domain, paged", store.SearchFilter{Sort: store.SortDomain, Limit: 1, Offset: 1}, []string{"b.example.com"}},
		{"sort created", store.SearchFilter{Sort: store.SortCreated}, []string{"c.example.com", "b.example.com", "a.example.com"}},
		{"sort fetched", store.SearchFilter{Sort: store.SortFetched, Limit: 2}, []string{"a.example.com", "c.example.com"}},
	} {
		got, err := s.Search(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := domainsOf(got); !slices.Equal(d, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, d, tc.want)
		}
		n, err := s.SearchCount(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: count: %v", tc.name, err)
		}
		if tc.f.Limit == 0 && tc.f.Offset == 0 && int(n) != len(tc.want) {
			t.Errorf("%s: count %d, want %d", tc.name, n, len(tc.want))
		}
	}
	var streamed []string
	if err := s.SearchEach(ctx, store.SearchFilter{Sort: store.SortDomain}, func(p store.Profile) error {
		streamed = append(streamed, p.Domain)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(streamed, []string{"a.example.com", "b.example.com", "c.example.com"}) {
		t.Errorf("streamed %v", streamed)
	}
	stop := errors.New("stop")
	if err := s.SearchEach(ctx, store.SearchFilter{}, func(store.Profile) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("an error from fn must stop the stream and be returned, got %v", err)
	}
	if _, err := s.Search(ctx, store.SearchFilter{Sort: "colour"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unknown sort: err = %v, want ErrInvalid", err)
	}
}

func TestDomainIncidents(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	if _, err := s.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{{Domain: "int-chase.com", Origin: store.OriginAnalyst}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordPivotRun(ctx, store.PivotRun{Org: 201, Incident: 4207, SourceDomain: "int-chase.com", Type: "ip",
		Value: "45.77.148.62", InvocationID: "inv-1", Results: []store.PivotResult{{Domain: "other.example.com"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.DomainIncidents(ctx, "INT-CHASE.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Incident != 4206 || got[0].How != store.HowArtifact || got[1].Incident != 4207 || got[1].How != store.HowPivotSource {
		t.Fatalf("incidents = %+v", got)
	}
}
