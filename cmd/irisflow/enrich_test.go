package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// enrichConfig writes a configuration for enrich against the simulator.
func enrichConfig(t *testing.T, dbURL, irisURL, natsURL string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "irisflow.yaml")
	yaml := "database_url: " + dbURL + "\nnats_url: " + natsURL + "\niris:\n  url: " + irisURL +
		"\n  user: " + irisTestUser + "\n  key: " + irisTestKey + "\n  auth: open\n  per_minute: 600\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// executeIn is execute with stdin.
func executeIn(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestEnrichFromStdinThroughCacheQuotaAndWriter(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	sim, irisURL := startIrisSim(t)
	ns := testenv.StartNATS(t)
	_, js := ns.Connect(t)
	ctx := context.Background()
	if err := flow.EnsureStreams(ctx, js, flow.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	writes := testenv.Collect(t, js, flow.StreamWrites, "write.>", "enrich-test")
	cfg := enrichConfig(t, dbURL, irisURL, ns.URL)
	list := "# suspects\nint-chase.com\n\nINT-CHASE.com.\nnot a domain!!\nwhoissuggest.com\n"

	out, errOut, err := executeIn(t, list, "enrich", "--file", "-", "--config", cfg, "--incident", "201/4206", "--format", "json")
	if exitCode(err) != exitIncomplete || !strings.Contains(errOut, `"not a domain!!"`) {
		t.Fatalf("one bad line: exit %d (%v), want %d; stderr:\n%s", exitCode(err), err, exitIncomplete, errOut)
	}
	var rs []enrichResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rs) != 2 || rs[0].Domain != "int-chase.com" || !rs[0].Found || rs[0].Cached || !rs[0].Written || rs[0].RiskScore == nil {
		t.Fatalf("results = %+v", rs)
	}
	if c := sim.Counters(); c.Requests != 1 || c.Domains != 2 {
		t.Fatalf("two cold domains must cost one Iris call: %+v", c)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM iris_profiles`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d profiles stored (%v), want 2", n, err)
	}
	var found int
	for _, r := range rs {
		if r.Found {
			found++
		}
	}
	got := writes.Take(found, 10*time.Second)
	var w flow.WriteCommand
	if err := json.Unmarshal(got[0], &w); err != nil || w.Kind != flow.WriteRow || w.Org != 201 || w.IncidentID != 4206 ||
		w.Row.Table != "domaintools_results" || w.ID != "enrich:201:4206:int-chase.com:row" {
		t.Fatalf("write command = %+v (%v)", w, err)
	}

	// Again: everything from the cache, no Iris call; the rows keep their ids.
	out, _, err = executeIn(t, "int-chase.com\nwhoissuggest.com\n", "enrich", "-f", "-", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0 from Iris, 2 from the cache") || sim.Counters().Requests != 1 {
		t.Fatalf("second run must be answered by the cache (%+v):\n%s", sim.Counters(), out)
	}
	if _, _, err := executeIn(t, "", "enrich", "--config", cfg); exitCode(err) != exitUsage {
		t.Fatalf("no --file: exit %d, want %d", exitCode(err), exitUsage)
	}
	if _, _, err := executeIn(t, "", "enrich", "-f", "-", "--incident", "4206", "--config", cfg); exitCode(err) != exitUsage {
		t.Fatalf("--incident without org: exit %d, want %d", exitCode(err), exitUsage)
	}
}
