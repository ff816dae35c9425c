package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

// analystData stores two snapshots of int-chase.com (risk 40 → 92, a new IP
// and tag) and one of another domain, and puts int-chase.com on incident
// 201/4206.
func analystData(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	risk := func(n int) *int { return &n }
	old := time.Now().Add(-48 * time.Hour).UTC()
	if err := st.SaveProfiles(ctx, []store.Profile{
		{Domain: "int-chase.com", FetchedAt: old, Source: store.SourceInvestigate, Found: true, RiskScore: risk(40),
			Raw: json.RawMessage(`{"ip":[{"address":{"value":"10.0.0.1","count":2}}],"soa_email":[{"value":"hostmaster@int-chase.com","count":1}]}`)},
		{Domain: "int-chase.com", Source: store.SourceInvestigate, Found: true, RiskScore: risk(92), Tags: []string{"phishing"},
			Raw: json.RawMessage(`{"ip":[{"address":{"value":"45.77.148.62","count":12}}],"soa_email":[{"value":"hostmaster@int-chase.com","count":1}]}`)},
		{Domain: "whoissuggest.com", Source: store.SourceInvestigate, Found: true, RiskScore: risk(60),
			Raw: json.RawMessage(`{"ip":[{"address":{"value":"45.77.148.62","count":12}}],"name_server":[{"host":{"value":"ns1.example.net"}}]}`)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimIncidentDomains(ctx, 201, 4206, []store.IncidentDomain{{Domain: "int-chase.com", Origin: store.OriginAnalyst}}); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryShowsChangesAndIncidents(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	analystData(t, st)
	out, err := execute(t, "history", "int-chase.com", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"risk 40 → 92", "tags +phishing", "IP +45.77.148.62 -10.0.0.1", "201/4206  artifact"} {
		if !strings.Contains(out, want) {
			t.Errorf("history table lacks %q:\n%s", want, out)
		}
	}
	out, err = execute(t, "history", "int-chase.com", "--format", "json", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var h domainHistoryJSON
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if h.Domain != "int-chase.com" || len(h.Snapshots) != 2 || len(h.Snapshots[0].Changes) != 3 || len(h.Snapshots[1].Changes) != 0 ||
		len(h.Incidents) != 1 || h.Incidents[0].Incident != 4206 {
		t.Fatalf("json history = %+v", h)
	}
	_, err = execute(t, "history", "never-seen.example", "--database-url", dbURL)
	if exitCode(err) != exitNoMatch {
		t.Fatalf("a domain never stored: exit %d (%v), want %d", exitCode(err), err, exitNoMatch)
	}
}

func TestSearchCommand(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	analystData(t, st)
	out, err := execute(t, "search", "--ip", "45.77.148.62", "--format", "json", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var rows []profileRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 2 || rows[0].Domain != "int-chase.com" || rows[1].Domain != "whoissuggest.com" {
		t.Fatalf("--ip: %+v", rows)
	}
	out, err = execute(t, "search", "--incident", "201/4206", "--email", "HOSTMASTER@int-chase.com", "--database-url", dbURL)
	if err != nil || !strings.Contains(out, "int-chase.com") || strings.Contains(out, "whoissuggest.com") {
		t.Fatalf("--incident --email: %v\n%s", err, out)
	}
	out, err = execute(t, "search", "--sort", "domain", "--limit", "1", "--page", "2", "--format", "csv", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != "whoissuggest.com" {
		t.Fatalf("page 2 of 1 by domain: %v %q", err, recs)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"search", "--ip", "10.0.0.1"}, exitNoMatch}, // only an older snapshot had it
		{[]string{"search", "--created-after", "yesterday"}, exitUsage},
		{[]string{"search", "--incident", "201/x"}, exitUsage},
		{[]string{"search", "--sort", "colour"}, exitUsage},
		{[]string{"search", "--format", "xml"}, exitUsage},
		{[]string{"search", "--no-such-flag"}, exitUsage},
		{[]string{"search", "extra-arg"}, exitUsage},
		{[]string{"search", "--database-url", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, exitFailure},
	} {
		args := tc.args
		if !strings.Contains(strings.Join(args, " "), "--database-url") {
			args = append(args, "--database-url", dbURL)
		}
		if _, err := execute(t, args...); exitCode(err) != tc.code {
			t.Errorf("%v: exit %d (%v), want %d", tc.args, exitCode(err), err, tc.code)
		}
	}
}

func TestExportStreamsCSVAndJSONLines(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	analystData(t, st)
	out, err := execute(t, "export", "--sort", "domain", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "domain" || recs[1][0] != "int-chase.com" || recs[1][8] != "45.77.148.62" ||
		recs[2][9] != "ns1.example.net" {
		t.Fatalf("csv export: %v %q", err, recs)
	}
	if strings.Contains(out, "\r") && strings.Contains(out, "[=") {
		t.Fatal("no progress bar when the output is not a terminal")
	}
	out, err = execute(t, "export", "--format", "json", "--tag", "phishing", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	var n int
	for sc.Scan() {
		var r exportRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v: %s", n+1, err, sc.Text())
		}
		if r.Domain != "int-chase.com" || len(r.Emails) != 1 {
			t.Fatalf("json line = %+v", r)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d json lines, want 1:\n%s", n, out)
	}
	if _, err := execute(t, "export", "--format", "table", "--database-url", dbURL); exitCode(err) != exitUsage {
		t.Fatalf("export --format table: exit %d, want %d", exitCode(err), exitUsage)
	}
	if _, err := execute(t, "export", "--tag", "nothing", "--database-url", dbURL); exitCode(err) != exitNoMatch {
		t.Fatalf("empty export: exit %d, want %d", exitCode(err), exitNoMatch)
	}
}
