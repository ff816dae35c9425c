package pivoter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
)

// ExecuteOutput is the content of an Execute Pivots reply.
type ExecuteOutput struct {
	// Pivots are the domains found, as the seed app returned them.
	Pivots []string `json:"pivots"`
	// Domains are the same domains with their risk scores.
	Domains []pivot.Found `json:"domains"`
	// TotalCount is how many domains Iris matched.
	TotalCount int `json:"total_count"`
	// LimitExceeded is true when Iris refused the search as too large.
	LimitExceeded bool `json:"limit_exceeded"`
	// Truncated is true when more domains matched than MaxResults.
	Truncated bool `json:"truncated"`
	// Type is the Iris parameter searched, Value the value.
	Type  string `json:"type"`
	Value string `json:"value"`
	// Filters are the Iris filters sent.
	Filters map[string]string `json:"filters"`
	// Cached is true when the answer came from the stored search.
	Cached bool `json:"cached"`

	reason string // why the search did not run ("" when it did)
}

// Unsuccessful is why the search was not run: a too large search answers
// success false with how to narrow it (work.Unsuccessful).
func (o ExecuteOutput) Unsuccessful() string { return o.reason }

// executeWorker answers Execute Pivots: dt_pivot_type (select or text;
// aliases accepted), dt_pivot_value, optional dt_data_updated_after and
// dt_created_date → the domains found. Too large a search is a final
// failure reply (success false) saying how to narrow it; an unknown type is
// bad input.
type executeWorker struct{ p *pivoter }

type executeCall struct {
	param, value string
	filters      map[string]string
}

func (executeWorker) Inputs(m *work.Message) (executeCall, error) {
	in, err := m.Inputs()
	if err != nil {
		return executeCall{}, err
	}
	value, _ := in.String(inPivotValue)
	value = strings.TrimSpace(value)
	if value == "" {
		return executeCall{}, badInput("%s is required", inPivotValue)
	}
	typ, ok := in.Select(inPivotType)
	if !ok || strings.TrimSpace(typ.Name) == "" {
		return executeCall{}, badInput("%s is required", inPivotType)
	}
	param, err := pivot.Resolve(typ.Name)
	if err != nil {
		return executeCall{}, badInput("%s: %v", inPivotType, err)
	}
	if err := checkValue(param, value); err != nil {
		return executeCall{}, err
	}
	filters, err := dateFilters(in.Time, in.Has)
	if err != nil {
		return executeCall{}, err
	}
	return executeCall{param: param, value: value, filters: filters}, nil
}

func (w executeWorker) Work(ctx context.Context, c *work.Call[executeCall]) (ExecuteOutput, error) {
	p, inv, param, value, filters := w.p, c.Invocation, c.In.param, c.In.value, c.In.filters
	out, err := p.search(ctx, param, value, filters)
	if err != nil {
		return ExecuteOutput{}, err
	}
	log := c.Log.With("type", param, "value", value)
	// Every run goes into the pivot history. A function frame names its
	// incident only through an incident_id input (FunctionDataDTO has no
	// incident object), which the seed's own workflows do not pass to
	// Execute Pivots: such a run is recorded with incident 0, unknown.
	if _, err := p.recordRun(ctx, inv, inv.IncidentID, "", 0, out); err != nil {
		return ExecuteOutput{}, err
	}
	content := ExecuteOutput{
		Pivots: make([]string, len(out.Found)), Domains: out.Found,
		TotalCount: out.Total, LimitExceeded: out.LimitExceeded, Truncated: !out.LimitExceeded && len(out.Found) < out.Total,
		Type: param, Value: value, Filters: filters, Cached: out.Cached,
	}
	if content.Domains == nil {
		content.Domains = []pivot.Found{}
	}
	for i, f := range out.Found {
		content.Pivots[i] = f.Domain
	}
	if out.LimitExceeded {
		log.Info("pivot search too large", "total", out.Total, "cached", out.Cached)
		content.reason = limitReason(out)
		return content, nil
	}
	log.Info("pivot executed", "found", len(out.Found), "total", out.Total, "cached", out.Cached)
	return content, nil
}

// limitReason is the reason of a limit_exceeded reply.
func limitReason(out *searchOutcome) string {
	n := "too many domains match %s=%s (more than one search may return)"
	if out.Total > 0 {
		n = fmt.Sprintf("%d domains match %%s=%%s, more than one search may return", out.Total)
	}
	narrow := "narrow the search with " + inCreatedDate + " / " + inUpdatedAfter
	if len(out.Filters) > 0 {
		narrow = "narrow the filters (" + pivot.FiltersKey(out.Filters) + ") further"
	}
	return "Iris: " + fmt.Sprintf(n, out.Param, out.Value) + "; " + narrow
}

// dateFilters reads dt_data_updated_after and dt_created_date; a value that
// is present but not a date is bad input.
func dateFilters(get func(string) (time.Time, bool), has func(string) bool) (map[string]string, error) {
	var upd, cre *time.Time
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{inUpdatedAfter, &upd}, {inCreatedDate, &cre}} {
		if !has(f.name) {
			continue
		}
		t, ok := get(f.name)
		if !ok {
			return nil, badInput("%s is not a date (epoch ms, YYYY-MM-DD or RFC 3339)", f.name)
		}
		*f.dst = &t
	}
	return pivot.Filters(upd, cre), nil
}

// recordRun stores a run and its finds in the pivot history.
func (p *pivoter) recordRun(ctx context.Context, inv *flow.Invocation, incident int64, source string, guided int, out *searchOutcome) (int64, error) {
	results := make([]store.PivotResult, len(out.Found))
	for i, f := range out.Found {
		results[i] = store.PivotResult{Domain: f.Domain, RiskScore: f.RiskScore}
	}
	id, err := p.cfg.Store.RecordPivotRun(ctx, store.PivotRun{
		Org: inv.Org, Incident: incident, SourceDomain: source,
		Type: out.Param, Value: out.Value, GuidedCount: guided,
		ResultCount: out.Total, LimitExceeded: out.LimitExceeded,
		InvocationID: inv.ID, Results: results,
	})
	if err != nil {
		return 0, fmt.Errorf("record pivot run: %w", err)
	}
	return id, nil
}
