package resilientsim

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// This file makes an incident SOAR's IncidentDTO: the 58 keys of IBM's
// recorded incident (pytest-resilient-circuits
// data/200_JSON_GET__incidents_2314.json, the same keys as resilient-lib
// tests/shared_mock_data/mock_responses/200_JSON_GET__incidents_.*.json),
// handles as ids unless the request asks handle_format=names, custom
// fields under properties.

// newIncident builds a stored incident: the DTO's keys besides the ones
// resilient.Incident names are kept in its Extra, as SOAR would answer
// them for an incident created by the sim's user and never edited.
func newIncident(org, id int64, name string, severity, phase string, types []string, created time.Time) resilient.Incident {
	ref := func(field, label string) resilient.Ref {
		v, ok := incidentField(field).optionID(label)
		if !ok {
			panic(fmt.Sprintf("resilientsim: no %s %q in the catalog", field, label)) // a programming error in the seed data
		}
		return resilient.Ref{ID: v.(int64), Name: label}
	}
	inc := resilient.Incident{
		ID: id, Name: name, OrgID: org,
		SeverityCode:    ref("severity_code", severity),
		PhaseID:         ref("phase_id", phase),
		IncidentTypeIDs: []resilient.Ref{},
		CreateDate:      resilient.MS(created),
		DiscoveredDate:  resilient.MS(created),
		Properties:      map[string]json.RawMessage{"domaintoolsdata": json.RawMessage(`null`)},
	}
	for _, t := range types {
		inc.IncidentTypeIDs = append(inc.IncidentTypeIDs, ref("incident_type_ids", t))
	}
	x := resilient.Extra{}
	set := func(k string, v any) { x[k] = mustRaw(v) }
	for _, k := range []string{"addr", "city", "reporter", "zip", "exposure_individual_name"} {
		set(k, "")
	}
	for _, k := range []string{"admin_id", "artifacts", "comments", "country", "data_compromised", "description",
		"due_date", "employee_involved", "end_date", "exposure_dept_id", "exposure_vendor_id", "inc_start",
		"jurisdiction_name", "jurisdiction_reg_id", "negative_pr_likely", "resolution_id", "resolution_summary",
		"start_date", "state", "tasks"} {
		set(k, nil)
	}
	for _, k := range []string{"actions", "members", "nist_attack_vectors"} {
		set(k, []any{})
	}
	set("assessment", assessment)
	set("cm", map[string]any{"total": 0, "geo_counts": map[string]any{}, "unassigneds": []any{}})
	set("confirmed", false)
	set("draft", false)
	set("inc_training", false)
	set("is_scenario", false)
	set("dtm", map[string]any{})
	set("exposure", 0)
	set("hard_liability", 0)
	set("exposure_type_id", 1) // Unknown
	set("crimestatus_id", 1)   // No
	set("plan_status", "A")
	set("owner_id", simUserID)
	set("creator_id", simUserID)
	set("creator", map[string]any{
		"id": simUserID, "fname": simUserFirst, "lname": simUserLast, "email": DefaultEmail, "status": "A",
		"locked": false, "is_external": false, "title": nil, "notes": nil, "phone": nil, "cell": nil,
		"last_login": resilient.MS(created),
	})
	set("perms", map[string]any{
		"read": true, "write": true, "comment": true, "assign": true, "close": true, "change_members": true,
		"attach_file": true, "read_attachments": true, "delete_attachments": true, "create_milestones": true,
		"list_milestones": true, "create_artifacts": true, "list_artifacts": true, "delete": false,
	})
	set("pii", map[string]any{
		"data_compromised": nil, "data_contained": nil, "data_encrypted": nil, "data_format": nil,
		"data_source_ids": []any{}, "exposure": 0, "harmstatus_id": 2, "assessment": assessment,
	})
	set("hipaa", map[string]any{
		"hipaa_acquired": nil, "hipaa_acquired_comment": nil, "hipaa_additional_misuse": nil,
		"hipaa_additional_misuse_comment": nil, "hipaa_adverse": nil, "hipaa_adverse_comment": nil,
		"hipaa_breach": nil, "hipaa_breach_comment": nil, "hipaa_misused": nil, "hipaa_misused_comment": nil,
	})
	set("regulators", map[string]any{"ids": []any{}})
	set("task_changes", map[string]any{"added": []any{}, "removed": []any{}})
	set("vers", 1)
	inc.Extra = x
	return inc
}

// assessment is the assessment of an incident without regulators, in the
// recorded form.
const assessment = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<assessment>\n    <rollups/>\n    <optional>There are 0 required and 0 optional tasks from 0 regulators.</optional>\n</assessment>\n"

// renderIncident shows a stored incident as SOAR answers it: select
// handles (severity, phase, incident types, exposure type, criminal
// activity) as ids, or as their labels with handle_format=names; users
// (owner_id, creator_id) as ids, or as their e-mail with names.
func renderIncident(inc resilient.Incident, byName bool) resilient.Incident {
	inc.SeverityCode = renderRef(inc.SeverityCode, byName)
	inc.PhaseID = renderRef(inc.PhaseID, byName)
	types := make([]resilient.Ref, len(inc.IncidentTypeIDs))
	for i, t := range inc.IncidentTypeIDs {
		types[i] = renderRef(t, byName)
	}
	inc.IncidentTypeIDs = types
	if !byName {
		return inc
	}
	x := make(resilient.Extra, len(inc.Extra))
	for k, v := range inc.Extra {
		x[k] = v
	}
	for _, k := range []string{"exposure_type_id", "crimestatus_id"} {
		var id int64
		if json.Unmarshal(x[k], &id) == nil {
			if label, ok := incidentField(k).optionLabel(id); ok {
				x[k] = mustRaw(label)
			}
		}
	}
	for _, k := range []string{"owner_id", "creator_id"} {
		var id int64
		if json.Unmarshal(x[k], &id) == nil && id == simUserID {
			x[k] = mustRaw(DefaultEmail)
		}
	}
	inc.Extra = x
	return inc
}

// SetIncidentProperty sets the custom field name of an incident (under
// properties, as a workflow script's incident.properties.<name> = value
// does) and bumps the incident's vers. It fails with ErrNoOrg /
// ErrNoIncident, or when name is not a custom incident field of the org.
func (s *Sim) SetIncidentProperty(org, incident int64, name string, value any) error {
	f := incidentField(name)
	if f.name == "" || f.internal {
		return fmt.Errorf("resilientsim: %q is not a custom incident field", name)
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("resilientsim: property %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.data.incident(org, incident)
	if err != nil {
		return err
	}
	props := make(map[string]json.RawMessage, len(inc.inc.Properties)+1)
	for k, v := range inc.inc.Properties {
		props[k] = v
	}
	props[name] = raw
	inc.inc.Properties = props
	var vers int64
	_ = json.Unmarshal(inc.inc.Extra["vers"], &vers)
	x := make(resilient.Extra, len(inc.inc.Extra))
	for k, v := range inc.inc.Extra {
		x[k] = v
	}
	x["vers"] = mustRaw(vers + 1)
	inc.inc.Extra = x
	return nil
}
