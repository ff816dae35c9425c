package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
)

func TestPivotsCommand(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	ctx := context.Background()
	risk := func(n int) *int { return &n }
	const hash = "f17d5cd44c5e55827e7c4efd8896845e62e35b02"
	for _, r := range []store.PivotRun{
		{Org: 201, Incident: 4211, SourceDomain: "whoissuggest.com", Type: "ssl_hash", Value: hash, GuidedCount: 3, ResultCount: 3,
			InvocationID: "inv-a", Results: []store.PivotResult{{Domain: "whoisapi.com", RiskScore: risk(12)}, {Domain: "evil-1.example", RiskScore: risk(97)}}},
		{Org: 201, Incident: 4302, SourceDomain: "usb.vn", Type: "ssl_hash", Value: hash, GuidedCount: 3, ResultCount: 3,
			InvocationID: "inv-b", Results: []store.PivotResult{{Domain: "whoissuggest.com", RiskScore: risk(40)}}},
		{Org: 201, Incident: 4302, SourceDomain: "usb.vn", Type: "ip", Value: "199.30.228.112", GuidedCount: 250, ResultCount: 6000,
			LimitExceeded: true, InvocationID: "inv-b"},
		// Iris's limit_exceeded answers usually carry no total_count.
		{Org: 201, Incident: 4400, SourceDomain: "big.example", Type: "nameserver_host", Value: "ns1.big-host.example", GuidedCount: 280,
			LimitExceeded: true, InvocationID: "inv-c"},
	} {
		if _, err := st.RecordPivotRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"value, table", []string{"pivots", hash}, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 5 || !strings.HasPrefix(lines[0], "RUN (UTC)") {
				t.Fatalf("want header, 2 runs, blank, summary:\n%s", out)
			}
			// Aligned columns: TYPE starts at the same offset on every row.
			col := strings.Index(lines[0], "TYPE")
			for _, l := range lines[1:3] {
				if strings.Index(l, "ssl_hash") != col {
					t.Errorf("misaligned row %q", l)
				}
			}
			if !strings.Contains(lines[2], "evil-1.example (97), whoisapi.com (12)") {
				t.Errorf("connected domains not highest risk first: %q", lines[2])
			}
			if !strings.Contains(out, "2 runs in 2 incidents (org/incident): 201/4302, 201/4211") {
				t.Errorf("summary line:\n%s", out)
			}
		}},
		{"one run, table", []string{"pivots", "199.30.228.112"}, func(t *testing.T, out string) {
			if !strings.Contains(out, "6000 (too many)") || !strings.HasSuffix(out, "\n1 run in 1 incident (org/incident): 201/4302\n") {
				t.Errorf("out:\n%s", out)
			}
		}},
		{"too many, no total", []string{"pivots", "ns1.big-host.example"}, func(t *testing.T, out string) {
			if !strings.Contains(out, "280     too many  -") {
				t.Errorf("out:\n%s", out)
			}
		}},
		{"found domain, json", []string{"pivots", "WhoisSuggest.com.", "--format", "json"}, func(t *testing.T, out string) {
			var rows []pivotRow
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatalf("%v:\n%s", err, out)
			}
			// Its own run (source) and the run that found it.
			if len(rows) != 2 || rows[0].Incident != 4302 || rows[1].SourceDomain != "whoissuggest.com" || len(rows[1].Domains) != 2 {
				t.Errorf("rows = %+v", rows)
			}
		}},
		{"source, csv", []string{"pivots", "usb.vn", "--format", "csv"}, func(t *testing.T, out string) {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 3 || recs[0][10] != "domain" {
				t.Fatalf("records = %v", recs)
			}
			got := fmt.Sprint(recs[1][5], recs[1][9], recs[1][10], recs[2][5], recs[2][10], recs[2][11])
			if got != "iptruessl_hashwhoissuggest.com40" {
				t.Errorf("csv rows = %v", recs[1:])
			}
		}},
		{"limit", []string{"pivots", hash, "--limit", "1", "--format", "json"}, func(t *testing.T, out string) {
			var rows []pivotRow
			if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 {
				t.Errorf("rows = %v, %v", rows, err)
			}
		}},
		{"nothing", []string{"pivots", "nothing.example"}, func(t *testing.T, out string) {
			if strings.TrimSpace(out) != "no recorded pivots for nothing.example" {
				t.Errorf("out = %q", out)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := execute(t, append(tc.args, "--database-url", dbURL)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			tc.check(t, out)
		})
	}
	if _, err := execute(t, "pivots", hash, "--format", "xml", "--database-url", dbURL); err == nil {
		t.Error("--format xml accepted")
	}
}
