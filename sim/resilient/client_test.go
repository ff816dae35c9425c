package resilientsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

const (
	org = resilientsim.DemoOrg
	inc = resilientsim.DemoIncident
)

// setup starts a sim and returns it with its URL.
func setup(t *testing.T, cfg resilientsim.Config) (*resilientsim.Sim, string) {
	t.Helper()
	sim := resilientsim.New(cfg)
	url, stop, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stop(ctx); err != nil {
			t.Errorf("stop sim: %v", err)
		}
	})
	return sim, url
}

// client builds an API-key client for url with fast retries; mod edits the config.
func client(t *testing.T, url string, mod ...func(*resilient.ClientConfig)) *resilient.Client {
	t.Helper()
	cfg := resilient.ClientConfig{
		BaseURL: url, Org: org,
		APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Second, Timeout: 5 * time.Second,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := resilient.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestClientCallsAgainstSim(t *testing.T) {
	t.Parallel()
	sim, url := setup(t, resilientsim.Config{})
	c := client(t, url)
	ctx := ctx(t)

	got, err := c.GetIncident(ctx, inc)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "PhishMe_Ident2" || got.OrgID != org || got.SeverityCode.Name != "High" || got.PhaseID.Name != "Engage" ||
		len(got.IncidentTypeIDs) != 1 || got.IncidentTypeIDs[0].Name != "Lost documents / files / records" {
		t.Errorf("incident = %+v", got)
	}

	note, err := c.AddNote(ctx, inc, resilient.Note{Format: resilient.FormatHTML, Content: "<p>Performed DomainTools Iris profile of int-chase.com</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if note.ID == 0 || note.Text.Format != "html" || note.CreateDate.IsZero() {
		t.Errorf("note = %+v", note)
	}
	notes, err := c.ListNotes(ctx, inc)
	if err != nil || len(notes) != 1 || notes[0].ID != note.ID || notes[0].Text.Content != note.Text.Content {
		t.Fatalf("ListNotes = %+v, %v", notes, err)
	}
	if simNotes := sim.Notes(org, inc); len(simNotes) != 1 || simNotes[0].ID != note.ID {
		t.Errorf("sim notes = %+v", simNotes)
	}

	row, err := c.AddRow(ctx, inc, resilient.ResultsTable, map[string]any{"domain_name": "int-chase.com", "overall_risk_score": 100})
	if err != nil {
		t.Fatal(err)
	}
	if row.ID == 0 || row.Value("domain_name") != "int-chase.com" || row.Value("overall_risk_score") != float64(100) {
		t.Errorf("row = %+v", row)
	}
	rows, err := c.ListRows(ctx, inc, resilient.ResultsTable)
	if err != nil || len(rows) != 1 || rows[0].ID != row.ID {
		t.Fatalf("ListRows = %+v, %v", rows, err)
	}

	arts, err := c.ListArtifacts(ctx, inc)
	if err != nil || len(arts) != 4 {
		t.Fatalf("ListArtifacts = %d, %v; want the 4 seeded", len(arts), err)
	}
	values := map[string]bool{}
	for _, a := range arts {
		if a.Type.Name != "DNS Name" {
			t.Errorf("artifact type = %+v, want DNS Name (handle_format=names)", a.Type)
		}
		values[a.Value] = true
	}
	for _, v := range []string{"int-chase.com", "thegreatwatermelonheist.blog", "icloud.com-asia.info", "equifaxbreachsettlement.com"} {
		if !values[v] {
			t.Errorf("seeded artifact %s missing", v)
		}
	}
	a, err := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactDNSName, Value: "pivot-found.example", Description: "pivot from Iris"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.Value != "pivot-found.example" || a.Description.Content != "pivot from Iris" {
		t.Errorf("artifact = %+v", a)
	}
	if n := len(sim.Artifacts(org, inc)); n != 5 {
		t.Errorf("sim has %d artifacts, want 5", n)
	}
}

func TestArtifactDedupAndReplyShapes(t *testing.T) {
	t.Parallel()
	for _, object := range []bool{false, true} {
		t.Run(map[bool]string{false: "list reply", true: "object reply"}[object], func(t *testing.T) {
			t.Parallel()
			sim, url := setup(t, resilientsim.Config{ArtifactReplyObject: object})
			c := client(t, url)
			ctx := ctx(t)
			var seeded resilient.Artifact
			for _, a := range sim.Artifacts(org, inc) {
				if a.Value == "int-chase.com" {
					seeded = a
				}
			}
			for _, v := range []string{"int-chase.com", "INT-CHASE.com"} {
				got, err := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactDNSName, Value: v})
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != seeded.ID {
					t.Errorf("posting %s: id %d, want the existing %d", v, got.ID, seeded.ID)
				}
			}
			first, err := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactDNSName, Value: "new.example"})
			if err != nil {
				t.Fatal(err)
			}
			again, err := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactDNSName, Value: "new.example"})
			if err != nil || again.ID != first.ID {
				t.Fatalf("repost = %+v, %v; want id %d", again, err, first.ID)
			}
			// An IP address is not deduplicated.
			ip1, _ := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactIPAddress, Value: "192.0.2.1"})
			ip2, _ := c.CreateArtifact(ctx, inc, resilient.ArtifactSpec{Type: resilient.ArtifactIPAddress, Value: "192.0.2.1"})
			if ip1 == nil || ip2 == nil || ip1.ID == ip2.ID {
				t.Errorf("IP artifacts should not be deduplicated: %+v %+v", ip1, ip2)
			}
			if n := len(sim.Artifacts(org, inc)); n != 7 {
				t.Errorf("sim has %d artifacts, want 4 seeded + 1 DNS + 2 IP", n)
			}
		})
	}
}

func TestSessionAuth(t *testing.T) {
	t.Parallel()
	sim, url := setup(t, resilientsim.Config{Users: map[string]string{"analyst@example.com": "s3cret"}})
	c := client(t, url, func(cfg *resilient.ClientConfig) {
		cfg.APIKeyID, cfg.APIKeySecret = "", ""
		cfg.Email, cfg.Password = "analyst@example.com", "s3cret"
	})
	ctx := ctx(t)
	if _, err := c.AddNote(ctx, inc, resilient.Note{Content: "via session"}); err != nil {
		t.Fatal(err)
	}
	sim.ExpireSessions()
	// The next call gets 401, logs in again once, and succeeds.
	if _, err := c.ListNotes(ctx, inc); err != nil {
		t.Fatalf("after session expiry: %v", err)
	}
	logins, principals := 0, map[string]bool{}
	for _, r := range sim.RequestLog() {
		if r.Route == "POST /rest/session" && r.Status == http.StatusOK {
			logins++
		}
		principals[r.Principal] = true
	}
	if logins != 2 || !principals["user:analyst@example.com"] {
		t.Errorf("logins = %d, principals = %v", logins, principals)
	}
}

func TestAuthAndNotFoundErrors(t *testing.T) {
	t.Parallel()
	sim, url := setup(t, resilientsim.Config{})
	tests := []struct {
		name string
		mod  func(*resilient.ClientConfig)
		call func(context.Context, *resilient.Client) error
		want error
	}{
		{"bad api key", func(c *resilient.ClientConfig) { c.APIKeySecret = "wrong" },
			func(ctx context.Context, c *resilient.Client) error { _, err := c.ListNotes(ctx, inc); return err }, resilient.ErrAuth},
		{"bad password", func(c *resilient.ClientConfig) {
			c.APIKeyID, c.APIKeySecret, c.Email, c.Password = "", "", resilientsim.DefaultEmail, "nope"
		}, func(ctx context.Context, c *resilient.Client) error { _, err := c.ListNotes(ctx, inc); return err }, resilient.ErrAuth},
		{"wrong org", func(c *resilient.ClientConfig) { c.Org = 999 },
			func(ctx context.Context, c *resilient.Client) error { _, err := c.GetIncident(ctx, inc); return err }, resilient.ErrAuth},
		{"no incident", nil,
			func(ctx context.Context, c *resilient.Client) error { _, err := c.GetIncident(ctx, 1); return err }, resilient.ErrNotFound},
		{"no incident on POST", nil,
			func(ctx context.Context, c *resilient.Client) error {
				_, err := c.AddNote(ctx, 1, resilient.Note{Content: "x"})
				return err
			}, resilient.ErrNotFound},
		{"unknown table", nil,
			func(ctx context.Context, c *resilient.Client) error {
				_, err := c.ListRows(ctx, inc, "nope")
				return err
			}, resilient.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mods []func(*resilient.ClientConfig)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			err := tt.call(ctx(t), client(t, url, mods...))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if resilient.IsRetryable(err) {
				t.Errorf("%v should not be retryable", err)
			}
			if strings.Contains(err.Error(), resilientsim.DefaultAPIKeySecret) {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
	_ = sim
}

// countRoute counts the logged requests of route.
func countRoute(sim *resilientsim.Sim, route string) int {
	n := 0
	for _, r := range sim.RequestLog() {
		if r.Route == route {
			n++
		}
	}
	return n
}

const (
	notesGET  = "GET /rest/orgs/{org}/incidents/{inc}/comments"
	notesPOST = "POST /rest/orgs/{org}/incidents/{inc}/comments"
	rowsPOST  = "POST /rest/orgs/{org}/incidents/{inc}/table_data/{table}/row_data"
)

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("5xx retried on GET", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(2, http.StatusInternalServerError)
		if _, err := client(t, url).ListNotes(ctx(t), inc); err != nil {
			t.Fatal(err)
		}
		if n := countRoute(sim, notesGET); n != 3 {
			t.Errorf("%d GETs, want 3", n)
		}
	})
	t.Run("GET gives up after MaxRetries", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(10, http.StatusBadGateway)
		_, err := client(t, url, func(c *resilient.ClientConfig) { c.MaxRetries = 2 }).ListNotes(ctx(t), inc)
		var e *resilient.Error
		if !errors.As(err, &e) || e.Kind != resilient.KindServer || e.Status != http.StatusBadGateway || !e.Retryable {
			t.Fatalf("err = %v", err)
		}
		if n := countRoute(sim, notesGET); n != 3 {
			t.Errorf("%d GETs, want 3", n)
		}
	})
	t.Run("429 Retry-After honoured on GET", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusTooManyRequests)
		if _, err := client(t, url).ListNotes(ctx(t), inc); err != nil {
			t.Fatal(err)
		}
		log := sim.RequestLog()
		if len(log) != 2 || log[0].Status != http.StatusTooManyRequests || log[1].Status != http.StatusOK {
			t.Fatalf("log = %+v", log)
		}
		// The sim says Retry-After: 1 and the backoff is 1ms: the gap shows the header was obeyed.
		if gap := log[1].At.Sub(log[0].At); gap < 900*time.Millisecond {
			t.Errorf("retried after %v, before Retry-After (1s)", gap)
		}
	})
	t.Run("429 retried on POST", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusTooManyRequests)
		if _, err := client(t, url).AddNote(ctx(t), inc, resilient.Note{Content: "x"}); err != nil {
			t.Fatal(err)
		}
		if n := len(sim.Notes(org, inc)); n != 1 {
			t.Errorf("%d notes, want 1", n)
		}
	})
	t.Run("503 with Retry-After retried on POST", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusServiceUnavailable)
		if _, err := client(t, url).AddNote(ctx(t), inc, resilient.Note{Content: "x"}); err != nil {
			t.Fatal(err)
		}
		if n, notes := countRoute(sim, notesPOST), len(sim.Notes(org, inc)); n != 2 || notes != 1 {
			t.Errorf("%d POSTs, %d notes; want 2 and 1", n, notes)
		}
	})
	t.Run("429 past the context deadline is returned", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusTooManyRequests)
		c, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := client(t, url).ListNotes(c, inc)
		var e *resilient.Error
		if !errors.Is(err, resilient.ErrRateLimited) || !errors.As(err, &e) || e.RetryAfter != time.Second {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("5xx on POST not retried", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusInternalServerError)
		_, err := client(t, url).AddNote(ctx(t), inc, resilient.Note{Content: "x"})
		if !errors.Is(err, resilient.ErrServer) || !resilient.IsRetryable(err) {
			t.Fatalf("err = %v, want retryable ErrServer", err)
		}
		if n := countRoute(sim, notesPOST); n != 1 {
			t.Errorf("%d POSTs, want 1 (no blind retry)", n)
		}
	})
	t.Run("500 after commit", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.Fail5xxAfterCommit(1)
		_, err := client(t, url).AddNote(ctx(t), inc, resilient.Note{Content: "committed"})
		if !errors.Is(err, resilient.ErrServer) || !resilient.IsRetryable(err) {
			t.Fatalf("err = %v, want retryable ErrServer", err)
		}
		notes := sim.Notes(org, inc)
		if len(notes) != 1 || notes[0].Text.Content != "committed" {
			t.Errorf("the note should exist once despite the error: %+v", notes)
		}
		if n := countRoute(sim, notesPOST); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	})
	t.Run("409 on POST", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		sim.FailNext(1, http.StatusConflict)
		_, err := client(t, url).AddNote(ctx(t), inc, resilient.Note{Content: "x"})
		if !errors.Is(err, resilient.ErrConflict) {
			t.Fatalf("err = %v, want ErrConflict", err)
		}
		if n := countRoute(sim, notesPOST); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	})
	t.Run("unknown column is permanent", func(t *testing.T) {
		t.Parallel()
		sim, url := setup(t, resilientsim.Config{})
		_, err := client(t, url).AddRow(ctx(t), inc, resilient.ResultsTable, map[string]any{"domain_name": "x.com", "not_a_column": 1})
		var e *resilient.Error
		if !errors.Is(err, resilient.ErrClient) || resilient.IsRetryable(err) || !errors.As(err, &e) || e.Status != http.StatusBadRequest {
			t.Fatalf("err = %v, want permanent 400 ErrClient", err)
		}
		if !strings.Contains(e.Message, "not_a_column") {
			t.Errorf("message = %q, want the column named", e.Message)
		}
		if n := countRoute(sim, rowsPOST); n != 1 || len(sim.Rows(org, inc, resilient.ResultsTable)) != 0 {
			t.Errorf("%d POSTs, rows %d; want 1 and 0", n, len(sim.Rows(org, inc, resilient.ResultsTable)))
		}
	})
	t.Run("connection refused is NotSent", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		_, err = client(t, "http://"+addr, func(c *resilient.ClientConfig) { c.MaxRetries = 1 }).AddNote(ctx(t), inc, resilient.Note{Content: "x"})
		var e *resilient.Error
		if !errors.As(err, &e) || !e.NotSent || !e.Retryable || !errors.Is(err, resilient.ErrNetwork) {
			t.Fatalf("err = %v, want a retryable NotSent network error", err)
		}
	})
}

func TestContextTokenPassedThrough(t *testing.T) {
	t.Parallel()
	sim, url := setup(t, resilientsim.Config{})
	c := client(t, url)
	tok := "eyJhbGciOiJIUzI1NiJ9.bnVsbA.token-for-test"
	if _, err := c.AddNote(resilient.WithContextToken(ctx(t), tok), inc, resilient.Note{Content: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := sim.LastContextToken(); got != tok {
		t.Errorf("sim saw token %q, want %q", got, tok)
	}
	if _, err := c.ListNotes(ctx(t), inc); err != nil {
		t.Fatal(err)
	}
	if got := sim.LastContextToken(); got != "" {
		t.Errorf("token leaked into a call without one: %q", got)
	}
}

func TestSimInspectionAPI(t *testing.T) {
	t.Parallel()
	sim, url := setup(t, resilientsim.Config{})
	sim.AddNote(org, inc, "", "from a workflow script")
	if _, err := sim.AddRow(org, inc, resilient.ResultsTable, map[string]any{"domain_name": "int-chase.com", "age": 12}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url + "/_sim/orgs/201/incidents/4206")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Incident  resilient.Incident              `json:"incident"`
		Notes     []resilient.Comment             `json:"notes"`
		Rows      map[string][]resilient.TableRow `json:"rows"`
		Artifacts []resilient.Artifact            `json:"artifacts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Incident.ID != inc || len(body.Notes) != 1 || len(body.Rows[resilient.ResultsTable]) != 1 || len(body.Artifacts) != 4 {
		t.Errorf("inspection = %+v", body)
	}
	if sim.Requests() != 0 {
		t.Errorf("/_sim requests counted as REST traffic: %d", sim.Requests())
	}
}

// The org and type reads `irisflow check` uses: a member reads its org and
// the app's data table; a non-member is refused; a SOAR without the app's
// customizations has no domaintools_results.
func TestOrgAndTypeReads(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(resilientsim.New(resilientsim.Config{}).Handler())
	t.Cleanup(srv.Close)
	c := client(t, srv.URL)
	if o, err := c.GetOrg(ctx(t)); err != nil || o.ID != resilientsim.DemoOrg {
		t.Fatalf("GetOrg: %+v %v", o, err)
	}
	ty, err := c.GetType(ctx(t), resilient.ResultsTable)
	if err != nil || ty.TypeID != 8 || len(ty.Fields) != len(resilient.ResultsColumns) {
		t.Fatalf("GetType: %+v %v", ty, err)
	}
	if s, err := c.Session(ctx(t)); err != nil || len(s.Orgs) != 1 || s.Orgs[0].ID != resilientsim.DemoOrg {
		t.Fatalf("Session: %+v %v", s, err)
	}
	other, err := resilient.NewClient(resilient.ClientConfig{BaseURL: srv.URL, Org: 999, APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.GetOrg(ctx(t)); !errors.Is(err, resilient.ErrAuth) {
		t.Errorf("GetOrg of a non-member: %v, want ErrAuth", err)
	}
	bare := httptest.NewServer(resilientsim.New(resilientsim.Config{NoResultsTable: true}).Handler())
	t.Cleanup(bare.Close)
	if _, err := client(t, bare.URL).GetType(ctx(t), resilient.ResultsTable); !errors.Is(err, resilient.ErrNotFound) {
		t.Errorf("GetType without the table: %v, want ErrNotFound", err)
	}
}
