package main

import (
	"context"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
)

// A seed workflow's Execute Pivots names no incident: its run is listed with
// incident "-" and counted apart in the summary.
func TestPivotsListsRunsWithoutIncident(t *testing.T) {
	t.Parallel()
	dbURL, st := testDatabase(t)
	ctx := context.Background()
	for _, r := range []store.PivotRun{
		{Org: 201, Incident: 0, Type: "ip", Value: "45.77.148.62", ResultCount: 1, InvocationID: "seed-wf",
			Results: []store.PivotResult{{Domain: "int-suntrust.com"}}},
		{Org: 201, Incident: 4206, SourceDomain: "int-chase.com", Type: "ip", Value: "45.77.148.62", InvocationID: "auto"},
	} {
		if _, err := st.RecordPivotRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	out, err := execute(t, "pivots", "45.77.148.62", "--database-url", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "2 runs in 1 incident (org/incident): 201/4206; 1 without an incident") || !strings.Contains(out, "201  -  ") {
		t.Fatalf("pivots output:\n%s", out)
	}
}
