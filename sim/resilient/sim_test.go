package resilientsim

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func do(t *testing.T, s *Sim, method, path, body string, mod func(*http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if mod != nil {
		mod(req)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return w
}

func apiKey(r *http.Request) { r.SetBasicAuth(DefaultAPIKeyID, DefaultAPIKeySecret) }

func TestAuthRules(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	const path = "/rest/orgs/201/incidents/4206"
	login := do(t, s, "POST", "/rest/session", `{"email":"admin@example.com","password":"irisflow-password"}`, nil)
	if login.Code != http.StatusOK || !strings.Contains(login.Body.String(), "csrf_token") {
		t.Fatalf("login = %d %s", login.Code, login.Body)
	}
	var cookie *http.Cookie
	for _, c := range login.Result().Cookies() {
		if c.Name == "JSESSIONID" {
			cookie = c
		}
	}
	csrf := strings.Split(strings.Split(login.Body.String(), `"csrf_token":"`)[1], `"`)[0]
	tests := []struct {
		name string
		mod  func(*http.Request)
		want int
	}{
		{"none", nil, http.StatusUnauthorized},
		{"api key", apiKey, http.StatusOK},
		{"wrong secret", func(r *http.Request) { r.SetBasicAuth(DefaultAPIKeyID, "x") }, http.StatusUnauthorized},
		{"unknown key", func(r *http.Request) { r.SetBasicAuth("who", DefaultAPIKeySecret) }, http.StatusUnauthorized},
		{"session", func(r *http.Request) { r.AddCookie(cookie); r.Header.Set("X-sess-id", csrf) }, http.StatusOK},
		{"cookie without X-sess-id", func(r *http.Request) { r.AddCookie(cookie) }, http.StatusUnauthorized},
		{"X-sess-id without cookie", func(r *http.Request) { r.Header.Set("X-sess-id", csrf) }, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		if got := do(t, s, "GET", path, "", tt.mod).Code; got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := do(t, s, "POST", "/rest/session", `{"email":"admin@example.com","password":"no"}`, nil).Code; got != http.StatusUnauthorized {
		t.Errorf("bad login: %d", got)
	}
	if got := do(t, s, "GET", "/rest/orgs/202/incidents/4206", "", apiKey).Code; got != http.StatusForbidden {
		t.Errorf("other org: %d, want 403", got)
	}
}

func TestRateLimitPerCredential(t *testing.T) {
	t.Parallel()
	s := New(Config{RateLimit: 2, APIKeys: map[string]string{"a": "1", "b": "2"}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	key := func(id, secret string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(id, secret) }
	}
	var codes []int
	for range 3 {
		codes = append(codes, do(t, s, "GET", "/rest/orgs/201/incidents/4206", "", key("a", "1")).Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != http.StatusTooManyRequests {
		t.Errorf("codes = %v, want 200 200 429", codes)
	}
	w := do(t, s, "GET", "/rest/orgs/201/incidents/4206", "", key("a", "1"))
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q", w.Header().Get("Retry-After"))
	}
	if got := do(t, s, "GET", "/rest/orgs/201/incidents/4206", "", key("b", "2")).Code; got != 200 {
		t.Errorf("other key limited: %d", got)
	}
	now = now.Add(time.Second)
	if got := do(t, s, "GET", "/rest/orgs/201/incidents/4206", "", key("a", "1")).Code; got != 200 {
		t.Errorf("next second: %d", got)
	}
}

func TestErrorRateIsDeterministic(t *testing.T) {
	t.Parallel()
	pattern := func(seed int64) string {
		s := New(Config{ErrorRate: 0.3, Seed: seed})
		var b strings.Builder
		for range 40 {
			if do(t, s, "GET", "/rest/orgs/201/incidents/4206", "", apiKey).Code == 500 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(7), pattern(7)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "x"); n == 0 || n == 40 {
		t.Errorf("error rate 0.3 gave %d/40 failures", n)
	}
	if pattern(8) == a {
		t.Errorf("different seeds gave the same pattern")
	}
}

func TestDataMutators(t *testing.T) {
	t.Parallel()
	s := New(Config{Tables: map[string][]string{"other": {"a"}}})
	id := s.CreateIncident(201, "new incident")
	if id <= DemoIncident {
		t.Errorf("new incident id %d should follow %d", id, DemoIncident)
	}
	id2 := s.CreateIncident(300, "in a new org")
	if id2 <= id || len(s.Incidents(300)) != 1 {
		t.Errorf("ids %d %d, org 300 incidents %v", id, id2, s.Incidents(300))
	}
	a1, made1 := s.AddArtifact(201, id, resilient.ArtifactDNSName, "evil.example")
	a2, made2 := s.AddArtifact(201, id, resilient.ArtifactDNSName, "Evil.Example")
	if a1.ID == 0 || a1.ID != a2.ID || len(s.Artifacts(201, id)) != 1 || !made1 || made2 {
		t.Errorf("dedup: %+v (created %v) %+v (created %v)", a1, made1, a2, made2)
	}
	if bad, _ := s.AddArtifact(201, id, 99, "x"); bad.ID != 0 {
		t.Error("a bad type should give the zero artifact")
	}
	if bad, _ := s.AddArtifact(201, 1, 2, "x"); bad.ID != 0 {
		t.Error("a missing incident should give the zero artifact")
	}
	n1, n2 := s.AddNote(201, id, "", "one"), s.AddNote(201, id, "html", "<b>two</b>")
	if n1.ID == 0 || n2.ID <= n1.ID || n1.Text.Format != "text" || !n1.CreateDate.After(time.Time{}) {
		t.Errorf("notes %+v %+v", n1, n2)
	}
	if s.AddNote(201, 1, "", "x").ID != 0 {
		t.Error("note on a missing incident should give the zero comment")
	}
	tests := []struct {
		org, inc int64
		table    string
		cells    map[string]any
		want     error
	}{
		{201, id, resilient.ResultsTable, map[string]any{"domain_name": "x", "age": 3}, nil},
		{201, id, "other", map[string]any{"a": true}, nil},
		{201, id, resilient.ResultsTable, map[string]any{"bogus": 1}, ErrUnknownColumn},
		{201, id, resilient.ResultsTable, map[string]any{}, ErrUnknownColumn},
		{201, id, "missing", map[string]any{"a": 1}, ErrNoTable},
		{201, 1, resilient.ResultsTable, map[string]any{"age": 1}, ErrNoIncident},
		{999, id, resilient.ResultsTable, map[string]any{"age": 1}, ErrNoOrg},
	}
	for _, tt := range tests {
		_, err := s.AddRow(tt.org, tt.inc, tt.table, tt.cells)
		if !errors.Is(err, tt.want) {
			t.Errorf("AddRow(%d,%d,%s,%v) = %v, want %v", tt.org, tt.inc, tt.table, tt.cells, err, tt.want)
		}
	}
	rows := s.Rows(201, id, resilient.ResultsTable)
	if len(rows) != 1 || fmt.Sprint(rows[0].Value("age")) != "3" {
		t.Errorf("rows = %+v", rows)
	}
	if len(resilient.ResultsColumns) != 32 {
		t.Errorf("%d result columns, want 32", len(resilient.ResultsColumns))
	}
}
