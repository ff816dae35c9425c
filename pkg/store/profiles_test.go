package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

// fullProfile has every column set.
func fullProfile(domain string, risk int) store.Profile {
	raw, _ := json.Marshal(map[string]any{
		"domain":      domain,
		"domain_risk": map[string]any{"risk_score": risk},
		"tags":        []any{map[string]any{"label": "watch", "scope": "group"}},
	})
	return store.Profile{
		Domain:             domain,
		Source:             store.SourceInvestigate,
		Found:              true,
		Raw:                raw,
		RiskScore:          ptr(risk),
		ProximityScore:     ptr(risk / 2),
		ThreatProfileScore: ptr(risk - 1),
		MalwareScore:       ptr(10),
		PhishingScore:      ptr(20),
		SpamScore:          ptr(30),
		Tags:               []string{"watch", "phish"},
		CreateDate:         ptr(time.Date(2019, 3, 4, 0, 0, 0, 0, time.UTC)),
		ExpirationDate:     ptr(time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC)),
		Registrar:          "NameCheap, Inc.",
		RegistrantOrg:      "Example Org",
		TLD:                "com",
		FirstIP:            "192.0.2.10",
		CountryCode:        "us",
		Active:             ptr(true),
		DataUpdatedAt:      ptr(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)),
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("unmarshal %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestSaveProfiles100RoundTrip(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	var ps []store.Profile
	var domains []string
	for i := range 100 {
		d := fmt.Sprintf("d%03d.example.com", i)
		ps = append(ps, fullProfile(d, i))
		domains = append(domains, d)
	}
	if err := s.SaveProfiles(ctx, ps); err != nil {
		t.Fatalf("SaveProfiles: %v", err)
	}
	got, err := s.LatestProfiles(ctx, domains, time.Hour)
	if err != nil {
		t.Fatalf("LatestProfiles: %v", err)
	}
	if len(got) != 100 {
		t.Fatalf("LatestProfiles returned %d profiles, want 100", len(got))
	}
	for _, want := range ps {
		p, ok := got[want.Domain]
		if !ok {
			t.Fatalf("%s missing", want.Domain)
		}
		if p.FetchedAt.IsZero() || time.Since(p.FetchedAt) > time.Hour {
			t.Errorf("%s: fetched_at %v not stamped by the database", p.Domain, p.FetchedAt)
		}
		if !jsonEqual(t, p.Raw, want.Raw) {
			t.Errorf("%s: raw %s, want %s", p.Domain, p.Raw, want.Raw)
		}
		p.FetchedAt, want.FetchedAt = time.Time{}, time.Time{}
		p.Raw, want.Raw = nil, nil
		p.CreateDate = ptr(p.CreateDate.UTC())
		p.ExpirationDate = ptr(p.ExpirationDate.UTC())
		p.DataUpdatedAt = ptr(p.DataUpdatedAt.UTC())
		if !reflect.DeepEqual(p, want) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", want.Domain, p, want)
		}
	}
}

func TestLatestProfilesMaxAge(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	// Two fetches of old.example: the newer one is 2h old. fresh.example is new.
	if err := s.SaveProfiles(ctx, []store.Profile{fullProfile("old.example", 10), fullProfile("old.example", 20)}); err != nil {
		t.Fatal(err)
	}
	exec(t, ctx, s, `UPDATE iris_profiles SET fetched_at = now() - interval '3 hours' WHERE domain = 'old.example' AND risk_score = 10`)
	exec(t, ctx, s, `UPDATE iris_profiles SET fetched_at = now() - interval '2 hours' WHERE domain = 'old.example' AND risk_score = 20`)
	if err := s.SaveProfiles(ctx, []store.Profile{fullProfile("fresh.example", 30)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		maxAge time.Duration
		want   map[string]int // domain → risk of the profile returned
	}{
		{"any age", 0, map[string]int{"old.example": 20, "fresh.example": 30}},
		{"negative is any age", -time.Second, map[string]int{"old.example": 20, "fresh.example": 30}},
		{"1h hides the stale one", time.Hour, map[string]int{"fresh.example": 30}},
		{"150m admits the newer old fetch only", 150 * time.Minute, map[string]int{"old.example": 20, "fresh.example": 30}},
		{"4h still the newest", 4 * time.Hour, map[string]int{"old.example": 20, "fresh.example": 30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.LatestProfiles(ctx, []string{"OLD.example.", "fresh.example", "absent.example"}, tc.maxAge)
			if err != nil {
				t.Fatal(err)
			}
			risks := map[string]int{}
			for d, p := range got {
				risks[d] = *p.RiskScore
			}
			if !reflect.DeepEqual(risks, tc.want) {
				t.Fatalf("got %v, want %v", risks, tc.want)
			}
		})
	}
}

func TestLatestProfilesNewestBySuppliedFetchedAt(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	now := time.Now()
	// A mix of stamped and unstamped rows in one call.
	ps := []store.Profile{fullProfile("mix.example", 1), fullProfile("mix.example", 2), fullProfile("db-clock.example", 3)}
	ps[0].FetchedAt = now.Add(-10 * time.Minute)
	ps[1].FetchedAt = now.Add(-20 * time.Minute)
	if err := s.SaveProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	got, err := s.LatestProfiles(ctx, []string{"mix.example", "db-clock.example"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r := *got["mix.example"].RiskScore; r != 1 {
		t.Errorf("newest mix.example has risk %d, want 1 (fetched 10m ago)", r)
	}
	if !got["mix.example"].FetchedAt.Equal(ps[0].FetchedAt.Truncate(time.Microsecond)) {
		t.Errorf("fetched_at %v, want %v", got["mix.example"].FetchedAt, ps[0].FetchedAt)
	}
	if _, ok := got["db-clock.example"]; !ok {
		t.Error("unstamped profile saved alongside stamped ones is missing")
	}
}

func TestProfileHistoryKeepsEveryFetch(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	for i := range 3 {
		p := fullProfile("hist.example", i)
		p.FetchedAt = time.Now().Add(time.Duration(i-3) * time.Hour)
		if err := s.SaveProfiles(ctx, []store.Profile{p, fullProfile("other.example", 99)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		limit int
		want  []int
	}{{0, []int{2, 1, 0}}, {2, []int{2, 1}}, {10, []int{2, 1, 0}}}
	for _, tc := range tests {
		h, err := s.ProfileHistory(ctx, "Hist.Example", tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var risks []int
		for _, p := range h {
			risks = append(risks, *p.RiskScore)
		}
		if !slices.Equal(risks, tc.want) {
			t.Errorf("limit %d: history risks %v, want %v (newest first)", tc.limit, risks, tc.want)
		}
	}
}

func TestNegativeCacheEntry(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	neg := store.Profile{Domain: "nothing-here.example", Source: store.SourceEnrich, Found: false}
	if err := s.SaveProfiles(ctx, []store.Profile{neg}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LatestProfiles(ctx, []string{"nothing-here.example"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := got["nothing-here.example"]
	if !ok {
		t.Fatal("negative entry not returned as a cached answer")
	}
	if p.Found || p.Raw != nil || p.RiskScore != nil || len(p.Tags) != 0 || p.Source != store.SourceEnrich {
		t.Fatalf("negative entry read back as %+v", p)
	}
	found, err := s.SearchProfiles(ctx, store.ProfileFilter{DomainLike: "nothing-here"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Fatalf("SearchProfiles returned a negative entry: %+v", found)
	}
}

func TestSearchProfilesFilters(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	mk := func(d string, risk *int, tags ...string) store.Profile {
		p := fullProfile(d, 0)
		p.RiskScore, p.Tags = risk, tags
		return p
	}
	if err := s.SaveProfiles(ctx, []store.Profile{
		mk("high.example.com", ptr(95), "phish"),
		mk("mid.example.net", ptr(60), "watch"),
		mk("low.example.com", ptr(5)),
		mk("norisk.example.org", nil, "phish"),
		mk("dropped.example.com", ptr(99), "phish"), // superseded below
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveProfiles(ctx, []store.Profile{mk("dropped.example.com", ptr(3))}); err != nil {
		t.Fatal(err)
	}
	exec(t, ctx, s, `UPDATE iris_profiles SET fetched_at = now() - interval '2 days' WHERE domain = 'mid.example.net'`)

	tests := []struct {
		name string
		f    store.ProfileFilter
		want []string
	}{
		{"all, highest risk first, nil risk last", store.ProfileFilter{},
			[]string{"high.example.com", "mid.example.net", "low.example.com", "dropped.example.com", "norisk.example.org"}},
		{"min risk on the latest fetch only", store.ProfileFilter{MinRisk: ptr(50)}, []string{"high.example.com", "mid.example.net"}},
		{"tag", store.ProfileFilter{Tag: "phish"}, []string{"high.example.com", "norisk.example.org"}},
		{"since", store.ProfileFilter{Since: time.Now().Add(-24 * time.Hour)},
			[]string{"high.example.com", "low.example.com", "dropped.example.com", "norisk.example.org"}},
		{"domain substring", store.ProfileFilter{DomainLike: "EXAMPLE.COM"},
			[]string{"high.example.com", "low.example.com", "dropped.example.com"}},
		{"domain pattern", store.ProfileFilter{DomainLike: "%.net"}, []string{"mid.example.net"}},
		{"combined", store.ProfileFilter{MinRisk: ptr(1), Tag: "phish", DomainLike: ".com"}, []string{"high.example.com"}},
		{"limit", store.ProfileFilter{Limit: 2}, []string{"high.example.com", "mid.example.net"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ps, err := s.SearchProfiles(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Domain)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSaveProfilesRejectsBadInput(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	good := fullProfile("good.example", 1)
	tests := []struct {
		name string
		mut  func(*store.Profile)
	}{
		{"empty domain", func(p *store.Profile) { p.Domain = " . " }},
		{"unknown source", func(p *store.Profile) { p.Source = "whois" }},
		{"bad first ip", func(p *store.Profile) { p.FirstIP = "999.1.1.1" }},
		{"raw not json", func(p *store.Profile) { p.Raw = json.RawMessage(`{"a":`) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := fullProfile("bad.example", 1)
			tc.mut(&bad)
			err := s.SaveProfiles(ctx, []store.Profile{good, bad})
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if n := count(t, ctx, s, `SELECT count(*) FROM iris_profiles`); n != 0 {
		t.Fatalf("%d rows written despite invalid input", n)
	}
}

func TestDomainsAreNormalised(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	p := fullProfile(" Bücher.Example. ", 7)
	if err := s.SaveProfiles(ctx, []store.Profile{p}); err != nil {
		t.Fatal(err)
	}
	if p.Domain != " Bücher.Example. " {
		t.Errorf("SaveProfiles changed the caller's profile: %q", p.Domain)
	}
	got, err := s.LatestProfiles(ctx, []string{"bücher.example"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["xn--bcher-kva.example"]; !ok || len(got) != 1 {
		t.Fatalf("got keys %v, want [xn--bcher-kva.example]", slices.Collect(maps.Keys(got)))
	}
}
