package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

func TestHistoryCommand(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	ctx := context.Background()
	risk := func(n int) *int { return &n }
	old := time.Now().Add(-48 * time.Hour).UTC()
	if err := st.SaveProfiles(ctx, []store.Profile{
		{Domain: "int-chase.com", FetchedAt: old, Source: store.SourceInvestigate, Found: true, Raw: json.RawMessage(`{"domain":"int-chase.com"}`), RiskScore: risk(70)},
		{Domain: "int-chase.com", Source: store.SourceInvestigate, Found: true, Raw: json.RawMessage(`{"domain":"int-chase.com"}`), RiskScore: risk(99), Tags: []string{"phishing"}},
		{Domain: "thegreatwatermelonheist.blog", Source: store.SourceInvestigate, Found: true, Raw: json.RawMessage(`{}`), RiskScore: risk(12)},
		{Domain: "nosuch-domain.example", Source: store.SourceInvestigate, Found: false},
	}); err != nil {
		t.Fatal(err)
	}

	out, err := execute(t, "history", "int-chase.com", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "int-chase.com") != 2 || strings.Index(out, "99") > strings.Index(out, "70") {
		t.Fatalf("history must list both fetches, newest first:\n%s", out)
	}

	out, err = execute(t, "history", "--min-risk", "90", "--tag", "phishing", "--format", "json", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var rows []profileRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Domain != "int-chase.com" || *rows[0].RiskScore != 99 {
		t.Fatalf("filtered search = %+v", rows)
	}

	out, err = execute(t, "history", "--format", "csv", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "domain,") {
		t.Fatalf("csv: want header + 2 found domains:\n%s", out)
	}
	if _, err := execute(t, "history", "--format", "xml", "--database-url", dbURL); err == nil {
		t.Fatal("unknown format must fail")
	}
}
