package main

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
	irissim "github.com/irisflow/irisflow/sim/iris"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// checkSetup is everything `irisflow check` connects to, on the simulators
// and real PostgreSQL and NATS: a database, an embedded nats-server 2.15, a
// STOMP broker, the SOAR REST simulator and the Iris simulator. It returns
// the environment a configuration loads from; mod changes the parts before
// they start.
type checkSetup struct {
	soar    resilientsim.Config
	irisPM  int // the Iris account's per-minute limit
	deny    string
	emptyDB bool
}

func startCheckSetup(t *testing.T, s checkSetup) map[string]string {
	t.Helper()
	db := testenv.Postgres
	if s.emptyDB {
		db = testenv.EmptyPostgres
	}
	n := testenv.StartNATS(t)
	brk, err := broker.Start("127.0.0.1:0", broker.WithUser(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = brk.Close() })
	if s.deny != "" {
		brk.Deny(s.deny)
	}
	soar := httptest.NewServer(resilientsim.New(s.soar).Handler())
	t.Cleanup(soar.Close)
	if s.irisPM == 0 {
		s.irisPM = 100
	}
	is, err := irissim.New(irissim.Config{Users: map[string]string{"dt-user": "dt-key"}, PerMinute: s.irisPM})
	if err != nil {
		t.Fatal(err)
	}
	iris := httptest.NewServer(is.Handler())
	t.Cleanup(iris.Close)
	return map[string]string{
		"IRISFLOW_APP_CONFIG": "none", "IRISFLOW_DATABASE_URL": db(t), "IRISFLOW_NATS_URL": n.URL,
		"IRISFLOW_STOMP_URL": brk.URL(), "IRISFLOW_DESTINATIONS": "201:domaintools",
		"IRISFLOW_RESILIENT_URL": soar.URL, "IRISFLOW_RESILIENT_API_KEY_ID": resilientsim.DefaultAPIKeyID,
		"IRISFLOW_RESILIENT_API_KEY_SECRET": resilientsim.DefaultAPIKeySecret,
		"IRISFLOW_IRIS_URL":                 iris.URL, "IRISFLOW_IRIS_USER": "dt-user", "IRISFLOW_IRIS_KEY": "dt-key",
		"IRISFLOW_IRIS_PER_MINUTE": "60",
	}
}

func checksFor(t *testing.T, env map[string]string) []checkResult {
	t.Helper()
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return runChecks(ctx, cfg, 15*time.Second)
}

func TestCheckAllPass(t *testing.T) {
	t.Parallel()
	results := checksFor(t, startCheckSetup(t, checkSetup{}))
	var names []string
	for _, r := range results {
		names = append(names, r.Name)
		if r.Err != nil {
			t.Errorf("%s failed: %s", r.Name, r)
		}
	}
	if got := strings.Join(names, ","); got != "postgres,nats,stomp,resilient,resilient,iris" {
		t.Errorf("checks %s", got)
	}
	var out strings.Builder
	if err := printChecks(&out, results); err != nil || !strings.Contains(out.String(), "all 6 checks passed") {
		t.Errorf("printChecks: %v\n%s", err, out.String())
	}
}

// Each failure `irisflow check` claims to detect, played on the
// simulators: the failing check names the problem and what to fix, and the
// other checks still pass.
func TestCheckReportsEachFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     checkSetup
		env       map[string]string
		check     string // the failing check
		err, fix  string
		wantFails int
	}{
		{name: "wrong API key", env: map[string]string{"IRISFLOW_RESILIENT_API_KEY_SECRET": "wrong"},
			check: "resilient", err: "401", fix: "refused the credentials", wantFails: 2}, // the broker refuses it too
		{name: "missing data table", setup: checkSetup{soar: resilientsim.Config{NoResultsTable: true}},
			check: "resilient", err: "no data table domaintools_results", fix: "customize", wantFails: 1},
		{name: "org not a member", env: map[string]string{"IRISFLOW_DESTINATIONS": "999:domaintools"},
			check: "resilient", err: "403", fix: "not a member of org 999", wantFails: 1},
		{name: "subscribe refused", setup: checkSetup{deny: "actions.201.domaintools"},
			check: "stomp", err: "not authorized to read from", fix: "message destination", wantFails: 1},
		{name: "wrong Iris key", env: map[string]string{"IRISFLOW_IRIS_KEY": "wrong"},
			check: "iris", err: "not authorised", fix: "iris.key", wantFails: 1},
		{name: "quota over the account's", setup: checkSetup{irisPM: 20},
			check: "iris", err: "iris.per_minute 60 exceeds the account's 20 per minute", fix: "IRISFLOW_IRIS_PER_MINUTE", wantFails: 1},
		{name: "unmigrated database, migrate off", setup: checkSetup{emptyDB: true}, env: map[string]string{"IRISFLOW_MIGRATE": "false"},
			check: "postgres", err: "irisflow migrate", fix: "irisflow migrate", wantFails: 1},
		{name: "NATS unreachable", env: map[string]string{"IRISFLOW_NATS_URL": "nats://127.0.0.1:1"},
			check: "nats", err: "connect", fix: "nats-server 2.10+", wantFails: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := startCheckSetup(t, tt.setup)
			for k, v := range tt.env {
				env[k] = v
			}
			fails := 0
			for _, r := range checksFor(t, env) {
				if r.Err == nil {
					continue
				}
				fails++
				if r.Name == tt.check && (!strings.Contains(r.Err.Error(), tt.err) || !strings.Contains(r.Fix, tt.fix)) {
					t.Errorf("%s: %s\nwant the error to say %q and the fix %q", r.Name, r, tt.err, tt.fix)
				}
			}
			if fails != tt.wantFails {
				t.Errorf("%d checks failed, want %d", fails, tt.wantFails)
			}
		})
	}
}

// Debian 12's nats-server 2.9 (running on 127.0.0.1:4222 on the CI
// machine) is a real old NATS: the check names its version and the fix.
func TestCheckOldNATS(t *testing.T) {
	t.Parallel()
	c, err := net.DialTimeout("tcp", "127.0.0.1:4222", time.Second)
	if err != nil {
		t.Skip("no NATS on 127.0.0.1:4222 (Debian's nats-server 2.9 runs there on the CI machine)")
	}
	c.Close()
	env := startCheckSetup(t, checkSetup{})
	env["IRISFLOW_NATS_URL"] = "nats://127.0.0.1:4222"
	for _, r := range checksFor(t, env) {
		if r.Name != "nats" {
			continue
		}
		if r.Err == nil {
			t.Skipf("the NATS on 127.0.0.1:4222 is new enough: %s", r.Detail)
		}
		if !strings.Contains(r.Err.Error(), "irisflow needs 2.10.0 or newer") || !strings.Contains(r.Fix, "2.10 or newer") {
			t.Errorf("old NATS: %s", r)
		}
	}
}

// The command prints a line per check with the fix, and fails.
func TestCheckCommand(t *testing.T) {
	env := startCheckSetup(t, checkSetup{})
	env["IRISFLOW_IRIS_KEY"] = "wrong"
	for k, v := range env {
		t.Setenv(k, v)
	}
	t.Setenv("IRISFLOW_CONFIG", "")
	out, err := execute(t, "check")
	if err == nil || !strings.Contains(err.Error(), "1 of 6 checks failed") {
		t.Fatalf("check: %v\n%s", err, out)
	}
	if !strings.Contains(out, "FAIL  iris") || !strings.Contains(out, "fix: check iris.user / iris.key") || !strings.Contains(out, "ok    postgres") {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(out, resilientsim.DefaultAPIKeySecret) {
		t.Errorf("a secret in the output:\n%s", out)
	}
	t.Setenv("IRISFLOW_IRIS_PER_MINUTE", "not-a-number")
	if out, err := execute(t, "check"); err == nil || !strings.Contains(out, "FAIL  config") {
		t.Errorf("bad configuration: %v\n%s", err, out)
	}
}

// With nats_url: embedded the check looks at the data directory irisflow
// run will start its server in.
func TestCheckEmbeddedNATS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := &config.Config{NATSURL: config.NATSEmbedded, NATSDataDir: dir + "/nats"}
	if r := checkEmbeddedNATS(cfg); r.Err != nil || !strings.Contains(r.Detail, "single-node") {
		t.Errorf("writable: %s", r)
	}
	if err := os.WriteFile(dir+"/file", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.NATSDataDir = dir + "/file/nats"
	if r := checkEmbeddedNATS(cfg); r.Err == nil || !strings.Contains(r.Fix, "nats_data_dir") {
		t.Errorf("not a directory: %s", r)
	}
}
