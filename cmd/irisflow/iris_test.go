package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

const (
	irisTestUser = "operator"
	irisTestKey  = "operator-key-0123"
)

// startIrisSim runs the simulator with one user and returns its URL.
func startIrisSim(t *testing.T, mutate ...func(*irissim.Config)) (*irissim.Server, string) {
	t.Helper()
	cfg := irissim.Config{Users: map[string]string{irisTestUser: irisTestKey}, AllowOpenKey: true, Universe: 500, Seed: 3}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := irissim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// runIris executes "iris ARGS..." and returns stdout and the error.
func runIris(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newIrisCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

// creds are the connection flags of the simulator, without the shared
// quota (TestIrisCommandUsesSharedQuota covers it).
func creds(url string, extra ...string) []string {
	return append([]string{"--url", url, "--user", irisTestUser, "--key", irisTestKey, "--quota=false"}, extra...)
}

func TestIrisInvestigateCommand(t *testing.T) {
	t.Parallel()
	_, url := startIrisSim(t)
	for _, auth := range []string{"sha256", "sha1", "open"} {
		out, err := runIris(t, append([]string{"investigate"}, creds(url, "--auth", auth, "int-chase.com", "Int-Chase.com", "no-such-domain.example")...)...)
		if err != nil {
			t.Fatalf("%s: %v", auth, err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "DOMAIN") || !strings.HasPrefix(lines[1], "int-chase.com ") {
			t.Fatalf("%s: table:\n%s", auth, out)
		}
		if !strings.Contains(lines[2], "no Iris data for: no-such-domain.example") {
			t.Errorf("%s: missing line: %q", auth, lines[2])
		}
	}

	out, err := runIris(t, append([]string{"investigate", "--json", "--enrich"}, creds(url, "int-chase.com", "gone.example")...)...)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []iris.Result `json:"results"`
		Missing []string      `json:"missing"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(got.Results) != 1 || got.Results[0].Domain != "int-chase.com" || len(got.Missing) != 1 {
		t.Errorf("json = %+v", got)
	}
	if _, ok := got.Results[0].RiskScore(); !ok {
		t.Error("json result lost its risk score")
	}
}

func TestIrisPivotCommand(t *testing.T) {
	t.Parallel()
	s, url := startIrisSim(t)
	var param, value string
	var want []string
	for _, cl := range s.Clusters() {
		for p, v := range cl.Shared {
			if iris.IsSearchParam(p) && len(cl.Domains) > 3 && len(cl.Domains) > len(want) && len(cl.Domains) < 200 {
				param, value, want = p, v, cl.Domains
			}
		}
	}
	if param == "" {
		t.Fatal("no cluster to pivot on")
	}
	out, err := runIris(t, append([]string{"pivot", param, value}, creds(url)...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range want {
		if !strings.Contains(out, d) {
			t.Errorf("pivot output lacks %s", d)
		}
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != len(want)+2 {
		t.Errorf("want header, column line and %d domains:\n%s", len(want), out)
	}

	out, err = runIris(t, append([]string{"pivot", param, value, "--max", "2", "--json"}, creds(url)...)...)
	if err != nil {
		t.Fatal(err)
	}
	var pj pivotJSON
	if err := json.Unmarshal([]byte(out), &pj); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(pj.Results) != 2 || !pj.Truncated || pj.TotalCount != len(want) {
		t.Errorf("capped pivot: %d results, truncated %v, total %d", len(pj.Results), pj.Truncated, pj.TotalCount)
	}

	out, err = runIris(t, append([]string{"pivot", param, value, "--filter", "tld=nosuchtld"}, creds(url)...)...)
	if err != nil || !strings.Contains(out, ": 0 domains") {
		t.Errorf("filtered pivot: %v\n%s", err, out)
	}
}

func TestIrisAccountCommand(t *testing.T) {
	t.Parallel()
	_, url := startIrisSim(t, func(c *irissim.Config) { c.PerMinute = 20 })
	out, err := runIris(t, append([]string{"account"}, creds(url)...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "account "+irisTestUser+" (active)") || !strings.Contains(out, "iris-investigate") {
		t.Errorf("account output:\n%s", out)
	}
	out, err = runIris(t, append([]string{"account", "--json"}, creds(url)...)...)
	if err != nil {
		t.Fatal(err)
	}
	var acc iris.Account
	if err := json.Unmarshal([]byte(out), &acc); err != nil || acc.Username != irisTestUser {
		t.Errorf("account json: %v %+v", err, acc)
	}
}

func TestIrisCommandErrors(t *testing.T) {
	t.Parallel()
	_, url := startIrisSim(t, func(c *irissim.Config) { c.PerMinute = 1; c.Universe = 0 })
	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close()
	tests := []struct {
		name string
		args []string
		want error
		hint string
	}{
		{"bad key", []string{"investigate", "--url", url, "--user", irisTestUser, "--key", "wrong", "--quota=false", "int-chase.com"}, iris.ErrAuth, "check the API username and key"},
		{"quota", nil, iris.ErrUnavailable, "rate limiting"},
		{"network", append([]string{"investigate", "--retries", "0"}, creds(deadURL, "int-chase.com")...), iris.ErrNetwork, "could not get an answer"},
		{"bad filter", append([]string{"pivot", "ip", "192.0.2.1", "--filter", "tld"}, creds(url)...), nil, "not name=value"},
		{"unknown pivot", append([]string{"pivot", "risk_score", "90"}, creds(url)...), iris.ErrBadRequest, "unknown or reserved"},
		{"bad auth mode", append([]string{"account", "--auth", "md5"}, creds(url)...), nil, "unknown auth mode"},
		{"no credentials", []string{"account", "--url", url, "--user", "", "--key", "", "--quota=false"}, nil, "no credentials"},
	}
	for _, tt := range tests {
		var err error
		if tt.name == "quota" {
			// One request a calendar minute: within three requests one
			// meets a minute already used.
			tt.args = append([]string{"investigate", "--retries", "0"}, creds(url, "int-chase.com")...)
			for range 3 {
				if _, err = runIris(t, tt.args...); err != nil {
					break
				}
			}
		} else {
			_, err = runIris(t, tt.args...)
		}
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if !strings.Contains(err.Error(), tt.hint) {
			t.Errorf("%s: message %q lacks %q", tt.name, err, tt.hint)
		}
	}
}

// TestIrisCommandEnv reads the connection from the environment (not
// parallel: it sets variables).
func TestIrisCommandEnv(t *testing.T) {
	_, url := startIrisSim(t, func(c *irissim.Config) { c.Universe = 0 })
	t.Setenv("IRISFLOW_IRIS_URL", url)
	t.Setenv("IRISFLOW_IRIS_USER", irisTestUser)
	t.Setenv("IRISFLOW_IRIS_KEY", irisTestKey)
	out, err := runIris(t, "investigate", "int-chase.com", "--quota=false")
	if err != nil || !strings.Contains(out, "int-chase.com") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// The iris commands take their requests from the shared Iris quota in
// irisflow's database, as the services do: one token per request.
func TestIrisCommandUsesSharedQuota(t *testing.T) {
	t.Parallel()
	s, url := startIrisSim(t)
	dbURL, st := testDatabase(t)
	args := []string{"--url", url, "--user", irisTestUser, "--key", irisTestKey, "--database-url", dbURL}
	if out, err := runIris(t, append([]string{"investigate", "int-chase.com"}, args...)...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	q, err := st.Quota(context.Background(), store.QuotaConfig{PerMinute: config.DefaultIrisPerMinute})
	if err != nil {
		t.Fatal(err)
	}
	state, err := q.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if state.HourUsed != 1 || s.Counters().Requests != 1 {
		t.Errorf("quota %+v after %d Iris request(s): no token taken", state, s.Counters().Requests)
	}
	if _, err := runIris(t, append([]string{"investigate", "int-chase.com"}, "--url", url, "--user", irisTestUser, "--key", irisTestKey,
		"--database-url", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")...); err == nil || !strings.Contains(err.Error(), "--quota=false") {
		t.Errorf("no database: %v, want the quota named with how to go without it", err)
	}
}
