package pivoter

import (
	"slices"
	"testing"

	irissim "github.com/irisflow/irisflow/sim/iris"
)

// The seed's Auto Pivot workflow calls Execute Pivots with dt_pivot_type and
// dt_pivot_value only: no incident_id. Those runs are in the pivot history
// too (incident 0, unknown), and a workflow that passes incident_id gets
// its run recorded against that incident.
func TestExecuteRecordsRunsOfWorkflowsWithoutIncident(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	ip := cluster(t, e.sim, "ip", 5, 60).Shared["ip"]

	e.call(t, "seed-wf", "domaintools_execute_pivots", 0, map[string]any{
		"dt_pivot_type": map[string]any{"id": 302, "name": "ip"}, "dt_pivot_value": ip,
		"dt_data_updated_after": nil, "dt_created_date": nil,
	})
	var out ExecuteOutput
	content(t, payload(t, e.finalReply(t, "seed-wf")), &out)
	e.call(t, "with-incident", "domaintools_execute_pivots", 4206, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": ip})
	e.finalReply(t, "with-incident")

	runs, err := e.store.PivotRunsFor(t.Context(), ip, 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("pivot history for %s: %d runs (%v), want 2", ip, len(runs), err)
	}
	byInv := map[string]int{runs[0].InvocationID: 0, runs[1].InvocationID: 1}
	seed, inc := runs[byInv["seed-wf"]], runs[byInv["with-incident"]]
	if seed.Incident != 0 || seed.Org != testOrg || seed.Type != "ip" || seed.ResultCount != out.TotalCount || len(seed.Results) != len(out.Pivots) {
		t.Errorf("the seed workflow's run = %+v", seed)
	}
	if inc.Incident != 4206 {
		t.Errorf("the run with incident_id: incident %d, want 4206", inc.Incident)
	}
	found := make([]string, len(seed.Results))
	for i, r := range seed.Results {
		found[i] = r.Domain
	}
	slices.Sort(found)
	want := normalized(t, out.Pivots)
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Errorf("recorded finds %v, replied %v", found, want)
	}
	// A run of no incident is not "another incident" in pivot notes.
	others, err := e.store.OtherIncidentsWithPivot(t.Context(), testOrg, "ip", ip, 9999)
	if err != nil || !slices.Equal(others, []int64{4206}) {
		t.Errorf("other incidents = %v (%v), want [4206]", others, err)
	}
}
