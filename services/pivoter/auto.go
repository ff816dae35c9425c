package pivoter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
)

// autoRequest is what an auto-pivot works from, read from a function call
// or from internal flow.AutoPivot work.
type autoRequest struct {
	Domain    string // normalised (ASCII)
	Incident  int64
	Depth     int
	Types     []string // Iris parameters
	Threshold int
	// Reply is where write failures of internal work go (flow.AutoPivot.Reply).
	Reply *flow.Route
}

// AutoOutput is the content of an Auto Pivot reply.
type AutoOutput struct {
	Domain           string      `json:"domain"`
	Incident         int64       `json:"incident_id"`
	Depth            int         `json:"depth"`
	Threshold        int         `json:"threshold"`
	Types            []string    `json:"types"`
	PivotsDiscovered int         `json:"pivots_discovered"`
	Runs             []RunOutput `json:"runs"`
	ArtifactsCreated int         `json:"artifacts_created"`
	// Skipped says why nothing was pivoted ("" when pivots ran).
	Skipped string `json:"skipped,omitempty"`
}

// RunOutput is one pivot run of an auto-pivot.
type RunOutput struct {
	RunID          int64    `json:"run_id"`
	Type           string   `json:"type"`
	Value          string   `json:"value"`
	GuidedCount    int      `json:"guided_count"`
	TotalCount     int      `json:"total_count"`
	LimitExceeded  bool     `json:"limit_exceeded"`
	Cached         bool     `json:"cached"`
	New            []string `json:"new_domains"`
	Known          int      `json:"already_on_incident"`
	Capped         int      `json:"capped"`
	OtherIncidents []int64  `json:"other_incidents"`
}

// autoWorker runs an auto-pivot: profile, discover, execute the configured
// types, record the runs, create artifacts for the domains new to the
// incident and write one summary note per pivot. A function call is
// answered with the summary; internal work (the playbook's) answers nobody.
type autoWorker struct{ p *pivoter }

// autoCall is an auto-pivot's delivery.
type autoCall = *work.Call[*autoRequest]

func (w autoWorker) Inputs(m *work.Message) (*autoRequest, error) { return w.p.autoRequest(m) }

func (w autoWorker) Work(ctx context.Context, c autoCall) (AutoOutput, error) {
	p, inv, req := w.p, c.Invocation, c.In
	log := c.Log.With("domain", req.Domain)
	if req.Incident != inv.IncidentID { // the work layer's logger names the invocation's incident
		log = log.With("incident", req.Incident)
	}
	out := AutoOutput{Domain: req.Domain, Incident: req.Incident, Threshold: req.Threshold, Types: req.Types, Runs: []RunOutput{}}

	depth, err := p.sourceDepth(ctx, inv, req)
	if err != nil {
		return out, err
	}
	out.Depth = depth
	if depth >= p.cfg.MaxDepth {
		out.Skipped = fmt.Sprintf("depth %d reached the pivot depth limit %d", depth, p.cfg.MaxDepth)
		log.Info("not pivoting", "reason", out.Skipped)
		return out, nil
	}
	c.Status(ctx, "irisflow: pivoting on "+req.Domain)

	res, found, err := p.profile(ctx, req.Domain)
	if err != nil {
		return out, err
	}
	if !found {
		out.Skipped = "Iris has no data for the domain"
		note(c, req.Incident, "nopivots", fmt.Sprintf("No pivots found for %s: DomainTools Iris has no data for it.", req.Domain))
		return out, nil
	}
	var pivots []pivot.Pivot
	for _, pv := range pivot.Discover(res, req.Threshold) {
		if slices.Contains(req.Types, pv.Type) {
			pivots = append(pivots, pv)
		}
	}
	out.PivotsDiscovered = len(pivots)
	if len(pivots) == 0 {
		out.Skipped = "no pivots found"
		note(c, req.Incident, "nopivots", pivot.NoPivotsNote(req.Domain, req.Threshold))
		return out, nil
	}
	for _, pv := range pivots {
		run, err := p.runPivot(ctx, c, depth, pv)
		if err != nil {
			return out, fmt.Errorf("pivot %s=%s: %w", pv.Type, pv.Value, err)
		}
		out.Runs = append(out.Runs, run)
		out.ArtifactsCreated += len(run.New)
		log.Info("pivot run", "type", run.Type, "value", run.Value, "total", run.TotalCount,
			"new", len(run.New), "known", run.Known, "capped", run.Capped, "cached", run.Cached)
	}
	return out, nil
}

// runPivot executes one pivot and writes what it found to the incident.
func (p *pivoter) runPivot(ctx context.Context, c autoCall, depth int, pv pivot.Pivot) (RunOutput, error) {
	inv, req := c.Invocation, c.In
	res, err := p.search(ctx, pv.Type, pv.Value, nil)
	if err != nil {
		return RunOutput{}, err
	}
	runID, err := p.recordRun(ctx, inv, req.Incident, req.Domain, pv.Count, res)
	if err != nil {
		return RunOutput{}, err
	}
	others, err := p.cfg.Store.OtherIncidentsWithPivot(ctx, inv.Org, pv.Type, pv.Value, req.Incident)
	if err != nil {
		return RunOutput{}, fmt.Errorf("other incidents: %w", err)
	}
	run := RunOutput{
		RunID: runID, Type: pv.Type, Value: pv.Value, GuidedCount: pv.Count,
		TotalCount: res.Total, LimitExceeded: res.LimitExceeded, Cached: res.Cached,
		New: []string{}, OtherIncidents: others,
	}
	if run.OtherIncidents == nil {
		run.OtherIncidents = []int64{}
	}
	var candidates []store.IncidentDomain
	risk := map[string]*int{}
	// The source is on the incident: it counts as known, so that the note's
	// new + known + capped adds up to what Iris listed.
	source := 0
	for _, f := range byRisk(res.Found) {
		if f.Domain == req.Domain {
			source = 1
			continue
		}
		risk[f.Domain] = f.RiskScore
		candidates = append(candidates, store.IncidentDomain{Domain: f.Domain, Depth: depth + 1, Origin: store.OriginPivot, RunID: &runID})
	}
	summary := pivot.Summary{
		Source: req.Domain, Type: pv.Type, Value: pv.Value, GuidedCount: pv.Count,
		Total: res.Total, Listed: len(res.Found), LimitExceeded: res.LimitExceeded, OtherIncidents: others,
	}
	run.Known, summary.Known = source, source
	if len(candidates) > 0 {
		claim, err := p.cfg.Store.ClaimPivotDomains(ctx, inv.Org, req.Incident, runID, candidates,
			p.cfg.MaxArtifactsPerPivot, p.cfg.MaxArtifactsPerIncident)
		if err != nil {
			return RunOutput{}, err
		}
		for _, d := range claim.Held {
			artifact(c, depth+1, pv, d)
			summary.New = append(summary.New, pivot.Found{Domain: d, RiskScore: risk[d]})
		}
		run.New = append(run.New, claim.Held...)
		run.Known += claim.Known
		run.Capped = len(candidates) - len(claim.Held) - claim.Known
		summary.Known, summary.Capped = run.Known, run.Capped
	}
	note(c, req.Incident, "pivot/"+pv.Type+"/"+valueHash(pv.Value), summary.Note())
	return run, nil
}

// artifact asks the writer to create a DNS Name artifact for a new domain.
func artifact(c autoCall, depth int, pv pivot.Pivot, d string) {
	c.Write(&flow.WriteCommand{
		ID:         c.Invocation.ID + "/artifact/" + d,
		IncidentID: c.In.Incident,
		Kind:       flow.WriteArtifact,
		Reply:      c.In.Reply,
		Artifact: &flow.Artifact{
			Type:        resilient.ArtifactDNSName,
			Value:       d,
			Description: fmt.Sprintf("Found by irisflow: %s pivot on %s from %s (pivot depth %d)", pv.Type, pv.Value, c.In.Domain, depth),
		},
	})
}

// note asks the writer to add a text note; what names the note within the
// invocation, making its id deterministic.
func note(c autoCall, incident int64, what, text string) {
	c.Write(&flow.WriteCommand{
		ID:         c.Invocation.ID + "/note/" + what,
		IncidentID: incident,
		Kind:       flow.WriteNote,
		Reply:      c.In.Reply,
		Note:       &flow.Note{Format: "text", Content: text},
	})
}

// valueHash names a pivot value in an id: the first 16 hex digits of its
// SHA-256 (values can be long certificate subjects with any character).
func valueHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:8])
}

// sourceDepth is the pivot depth of the source domain: the largest of the
// work's and the depth the store has for the domain on the incident. A
// domain the incident does not have yet is claimed for it (an analyst's at
// depth 0), so that pivots never add it back as an artifact.
func (p *pivoter) sourceDepth(ctx context.Context, inv *flow.Invocation, req *autoRequest) (int, error) {
	depth, known, err := p.cfg.Store.PivotDepth(ctx, inv.Org, req.Incident, req.Domain, max(req.Depth, inv.Depth))
	if err != nil {
		return 0, err
	}
	if known {
		return depth, nil
	}
	origin := store.OriginAnalyst
	if depth > 0 {
		origin = store.OriginPivot
	}
	if _, err := p.cfg.Store.ClaimIncidentDomains(ctx, inv.Org, req.Incident, []store.IncidentDomain{{
		Domain: req.Domain, Depth: depth, Origin: origin,
	}}); err != nil {
		return 0, err
	}
	return depth, nil
}

// autoRequest reads the request of a function call (dt_domain_name,
// incident_id, dt_pivot_count, dt_pivot_types) or of internal work
// (flow.AutoPivot).
func (p *pivoter) autoRequest(m *work.Message) (*autoRequest, error) {
	inv := m.Invocation
	req := &autoRequest{Depth: inv.Depth}
	var (
		rawDomain string
		types     []string
	)
	switch inv.Payload {
	case flow.PayloadInternal:
		var ap flow.AutoPivot
		if err := json.Unmarshal(m.Internal, &ap); err != nil {
			return nil, badInput("auto-pivot body: %v", err)
		}
		rawDomain, types, req.Reply = ap.Domain, ap.Types, ap.Reply
		req.Incident, req.Depth, req.Threshold = ap.IncidentID, max(ap.Depth, inv.Depth), ap.Threshold
		if req.Incident == 0 {
			req.Incident = inv.IncidentID
		}
		if req.Incident <= 0 {
			return nil, badInput("auto-pivot body without incident_id")
		}
		if req.Threshold < 0 || req.Threshold == 1 {
			return nil, badInput("auto-pivot threshold %d: must be 2 or more", req.Threshold)
		}
	default:
		in, err := m.Inputs()
		if err != nil {
			return nil, err
		}
		rawDomain, _ = in.String(inDomainName)
		if req.Incident, err = incidentID(in, inv); err != nil {
			return nil, err
		}
		if req.Threshold, err = threshold(in, 0); err != nil {
			return nil, err
		}
		types = pivotTypes(in, inPivotTypes)
	}
	if req.Threshold == 0 {
		req.Threshold = p.cfg.Threshold
	}
	name, err := domain.Normalize(rawDomain)
	if err != nil {
		return nil, badInput("%s: %v", inDomainName, err)
	}
	if req.Domain, err = store.NormalizeDomain(name.ASCII); err != nil {
		return nil, badInput("%s: %v", inDomainName, err)
	}
	if len(types) == 0 {
		req.Types = p.cfg.AutoTypes
		return req, nil
	}
	for _, t := range types {
		param, err := pivot.Resolve(t)
		if err != nil {
			return nil, badInput("%s: %v", inPivotTypes, err)
		}
		if !slices.Contains(req.Types, param) {
			req.Types = append(req.Types, param)
		}
	}
	return req, nil
}
