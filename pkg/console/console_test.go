package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/console"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// setup serves a console (token "tok" unless token is "") over a store
// with int-chase.com (two snapshots) sharing an IP with other.example.com,
// and a recorded pivot run from int-chase.com on that IP.
func setup(t *testing.T, token string) (*httptest.Server, *store.Store) {
	t.Helper()
	st := testenv.PostgresStore(t)
	ctx := context.Background()
	risk := func(n int) *int { return &n }
	raw := `{"domain":"int-chase.com","ip":[{"address":{"value":"45.77.148.62","count":12}}],"registrar":{"value":"NAMECHEAP INC"}}`
	if err := st.SaveProfiles(ctx, []store.Profile{
		{Domain: "int-chase.com", FetchedAt: time.Now().Add(-time.Hour), Source: store.SourceInvestigate, Found: true, RiskScore: risk(40), Raw: json.RawMessage(`{}`)},
		{Domain: "int-chase.com", Source: store.SourceInvestigate, Found: true, RiskScore: risk(92), Tags: []string{"phishing"}, Raw: json.RawMessage(raw)},
		{Domain: "other.example.com", Source: store.SourceInvestigate, Found: true, RiskScore: risk(10),
			Raw: json.RawMessage(`{"ip":[{"address":{"value":"45.77.148.62","count":12}}]}`)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordPivotRun(ctx, store.PivotRun{Org: 201, Incident: 4206, SourceDomain: "int-chase.com", Type: "ip", Value: "45.77.148.62",
		GuidedCount: 12, InvocationID: "inv-1", Results: []store.PivotResult{{Domain: "found.example.com", RiskScore: risk(77)}}}); err != nil {
		t.Fatal(err)
	}
	h, err := console.Handler(console.Config{Store: st, Token: token, Logger: testenv.QuietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

func get(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: decode: %v", url, err)
		}
	}
	return resp.StatusCode
}

func TestAPI(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, "tok")
	if code := get(t, srv.URL+"/api/search", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code := get(t, srv.URL+"/api/search", "wrong", nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	var s console.SearchAnswer
	if code := get(t, srv.URL+"/api/search?ip=45.77.148.62&sort=domain&limit=1&page=2", "tok", &s); code != 200 ||
		s.Total != 2 || len(s.Results) != 1 || s.Results[0].Domain != "other.example.com" {
		t.Fatalf("search: %d %+v", code, s)
	}
	var e struct{ Error string }
	if code := get(t, srv.URL+"/api/search?created_after=yesterday", "tok", &e); code != 400 || !strings.Contains(e.Error, "created_after") {
		t.Fatalf("bad filter: %d %+v", code, e)
	}
	var d console.DomainAnswer
	if code := get(t, srv.URL+"/api/domain/INT-CHASE.com", "tok", &d); code != 200 || d.Domain != "int-chase.com" || len(d.Groups) != 4 ||
		len(d.Risk) != 2 || len(d.Snapshots) != 2 || len(d.Snapshots[0].Changes) == 0 || d.Snapshots[0].Changes[0].Text != "risk 40 → 92" {
		t.Fatalf("domain: %d %+v", code, d)
	}
	if code := get(t, srv.URL+"/api/domain/never.example", "tok", nil); code != 404 {
		t.Fatalf("unknown domain: %d", code)
	}
	var g console.Graph
	if code := get(t, srv.URL+"/api/graph?kind=domain&value=int-chase.com", "tok", &g); code != 200 {
		t.Fatalf("graph: %d", code)
	}
	edges := map[string]console.Edge{}
	for _, e := range g.Edges {
		edges[e.ID] = e
	}
	if e := edges["domain:int-chase.com|ip:45.77.148.62"]; e.Count != 12 || g.Center != "domain:int-chase.com" {
		t.Fatalf("domain → its IP with the guided count: %+v", g)
	}
	if e, ok := edges["domain:found.example.com|ip:45.77.148.62"]; !ok || e.Via != "pivot" {
		t.Fatalf("the recorded pivot's find is an edge: %+v", g.Edges)
	}
	g = console.Graph{}
	get(t, srv.URL+"/api/graph?kind=ip&value=45.77.148.62", "tok", &g)
	var domains []string
	for _, n := range g.Nodes {
		if n.Kind == console.KindDomain {
			domains = append(domains, n.Value)
		}
	}
	if strings.Join(domains, ",") != "int-chase.com,other.example.com,found.example.com" {
		t.Fatalf("expanding the IP: domains %v", domains)
	}
}

func TestTokenOnceThenCookieBehindAPrefix(t *testing.T) {
	t.Parallel()
	st := testenv.PostgresStore(t)
	h, err := console.Handler(console.Config{Store: st, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/soc/", http.StripPrefix("/soc", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL + "/soc/?token=tok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "./" || len(resp.Cookies()) != 1 || !resp.Cookies()[0].HttpOnly {
		t.Fatalf("?token: %s, Location %q, cookies %v", resp.Status, resp.Header.Get("Location"), resp.Cookies())
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/soc/static/app.js", nil)
	req.AddCookie(resp.Cookies()[0])
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("static with the cookie: %s", resp.Status)
	}
}

func TestCheckListen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8088", "", true}, {"[::1]:8088", "", true}, {"localhost:0", "", true},
		{"0.0.0.0:8088", "", false}, {":8088", "", false}, {"10.1.2.3:8088", "", false},
		{"0.0.0.0:8088", "secret", true},
	} {
		if err := console.CheckListen(tc.addr, tc.token); (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, token %v) = %v", tc.addr, tc.token != "", err)
		}
	}
}
