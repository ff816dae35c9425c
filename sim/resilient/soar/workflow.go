package soarsim

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// The seed app's workflows, by programmatic name.
const (
	WorkflowProfile   = "domaintools_profile_domain_with_iris"
	WorkflowRiskScore = "domaintools_check_domain"
	WorkflowTags      = "domaintools_check_domain_tags"
	WorkflowAutoPivot = "domaintools_auto_pivot_with_iris"
)

var workflowAliases = map[string]string{
	"profile": WorkflowProfile, "risk": WorkflowRiskScore, "tags": WorkflowTags,
	"pivot": WorkflowAutoPivot, "autopivot": WorkflowAutoPivot, "auto-pivot": WorkflowAutoPivot,
}

// ErrUnknownWorkflow is returned by RunWorkflow for a name it does not know.
var ErrUnknownWorkflow = errors.New("soarsim: unknown workflow")

// ErrFunctionFailed is returned (wrapped) when a function's final reply is
// an error or an unsuccessful result.
var ErrFunctionFailed = errors.New("soarsim: function failed")

// Step is one function call of a workflow run.
type Step struct {
	Function      string
	CorrelationID string
	Final         *resilient.Ack
	Content       map[string]any // results.content of the final reply
}

// WorkflowRun is what a workflow did.
type WorkflowRun struct {
	Workflow string
	Incident int64
	Artifact string
	Steps    []Step
	Notes    []string // notes written to the incident, in order
	Rows     int      // data-table rows written
}

// RunWorkflow runs a seed-app workflow (programmatic name, display name or
// alias profile|risk|tags|autopivot) on an artifact of incident: its function
// calls in sequence, each awaited, with the guide's pre-processing, then the
// post-process scripts applied to the REST simulator's incident.
func (s *SOAR) RunWorkflow(ctx context.Context, name string, incident int64, artifactValue string) (WorkflowRun, error) {
	wf := resolveWorkflow(name)
	run := WorkflowRun{Workflow: wf, Incident: incident, Artifact: artifactValue}
	if wf == "" {
		return run, fmt.Errorf("%w: %q", ErrUnknownWorkflow, name)
	}
	if s.cfg.Sim == nil {
		return run, errors.New("soarsim: RunWorkflow needs Config.Sim")
	}
	w := &workflowRun{s: s, run: &run}

	profile, err := w.call(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": artifactValue})
	if err != nil {
		return run, err
	}
	domain, _ := profile[outDomain].(string)
	if domain == "" {
		domain = artifactValue
	}
	w.note(noteProfiled(domain))
	iris := irisDataString(profile)

	switch wf {
	case WorkflowProfile:
		out, err := w.call(ctx, "domaintools_format_iris_investigate_data", map[string]any{
			"incident_id":       incident,
			"dt_format_options": []string{"Analytics", "Identity", "Registration", "Hosting"},
			"dt_format_type":    "JSON",
			"dt_iris_data_in":   iris,
		})
		if err != nil {
			return run, err
		}
		cells, d, ok := rowCells(out)
		if !ok {
			w.note(noteNotFound)
			break
		}
		if _, err := s.cfg.Sim.AddRow(s.cfg.Org, incident, resilient.ResultsTable, cells); err != nil {
			return run, fmt.Errorf("soarsim: add row: %w", err)
		}
		run.Rows++
		w.note(noteAdded(d))
	case WorkflowRiskScore:
		out, err := w.call(ctx, "domaintools_extract_risk_score", map[string]any{"dt_iris_data_in": iris, "incident_id": incident})
		if err != nil {
			return run, err
		}
		if score, ok := riskScore(out); ok && score >= HighRiskThreshold {
			w.note(noteHighRisk(domain, score))
		}
	case WorkflowTags:
		out, err := w.call(ctx, "domaintools_check_domain_tags", map[string]any{"dt_iris_data_in": iris, "incident_id": incident})
		if err != nil {
			return run, err
		}
		if tags := matchedTags(out); len(tags) > 0 {
			w.note(noteTagged(domain, tags))
		}
	case WorkflowAutoPivot:
		out, err := w.call(ctx, "domaintools_discover_actionable_pivots", map[string]any{"dt_iris_data_in": iris, "dt_pivot_count": 300})
		if err != nil {
			return run, err
		}
		cands := pivotCandidates(out[outPivotData])
		found := false
		for _, t := range []string{"ssl_hash", "ip", "email"} {
			for _, v := range cands[t] {
				res, err := w.call(ctx, "domaintools_execute_pivots", map[string]any{
					"dt_pivot_type": t, "dt_pivot_value": v, "dt_data_updated_after": nil, "dt_created_date": nil,
				})
				if err != nil {
					return run, err
				}
				domains := stringList(res[outPivots])
				if len(domains) == 0 {
					continue
				}
				found = true
				w.note(notePivotHeader(t))
				for _, d := range domains {
					w.note(notePivotDomain(d))
				}
			}
		}
		if !found {
			w.note(noteNoPivots)
		}
	}
	return run, nil
}

func resolveWorkflow(name string) string {
	if wf, ok := workflowAliases[strings.ToLower(name)]; ok {
		return wf
	}
	for wf, display := range workflowNames {
		if name == wf || strings.EqualFold(name, display) {
			return wf
		}
	}
	return ""
}

type workflowRun struct {
	s   *SOAR
	run *WorkflowRun
}

func (w *workflowRun) note(text string) {
	w.s.cfg.Sim.AddNote(w.s.cfg.Org, w.run.Incident, "text", text)
	w.run.Notes = append(w.run.Notes, text)
}

// call invokes fn, awaits its final reply, and returns results.content.
func (w *workflowRun) call(ctx context.Context, fn string, inputs map[string]any) (map[string]any, error) {
	inv, err := w.s.InvokeFunction(ctx, fn, inputs, WithWorkflow(w.run.Workflow))
	if err != nil {
		return nil, err
	}
	final, err := w.s.Await(ctx, inv.CorrelationID)
	step := Step{Function: fn, CorrelationID: inv.CorrelationID, Final: final}
	if err != nil {
		w.run.Steps = append(w.run.Steps, step)
		return nil, err
	}
	if final.MessageType == resilient.MessageError {
		w.run.Steps = append(w.run.Steps, step)
		return nil, fmt.Errorf("%w: %s: %s", ErrFunctionFailed, fn, final.Message)
	}
	p, err := final.Payload()
	if err != nil {
		return nil, fmt.Errorf("soarsim: %s: %w", fn, err)
	}
	if p == nil || !p.Success {
		reason := "no result"
		if p != nil {
			reason = p.Reason
		}
		w.run.Steps = append(w.run.Steps, step)
		return nil, fmt.Errorf("%w: %s: %s", ErrFunctionFailed, fn, reason)
	}
	content, _ := p.Content.(map[string]any)
	if content == nil {
		content = map[string]any{}
	}
	step.Content = content
	w.run.Steps = append(w.run.Steps, step)
	return content, nil
}
