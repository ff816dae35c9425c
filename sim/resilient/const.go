package resilientsim

// ServerVersion is the SOAR version /rest/const reports.
const ServerVersion = "51.0.0"

// constDTO is GET /rest/const: SOAR's constants, with the keys and shapes
// of IBM's recording (resilient-lib tests/shared_mock_data/mock_responses/
// 200_JSON_GET__const.json). resilient-circuits reads server_version at
// start (resilient_circuits/rest_helper.py, get_resilient_server_version).
// The long reference lists (geos, regulators, states, timezones, data
// types, timeframes, layouts, pivot buckets) are left out.
func constDTO() map[string]any {
	statusTable := func(rows ...[3]any) map[string]any { // id, name, closed
		out := map[string]any{}
		for _, r := range rows {
			out[r[0].(string)] = map[string]any{"id": r[0], "enabled": true, "name": r[1], "description": nil, "isclosed": r[2]}
		}
		return out
	}
	named := func(names ...string) map[string]any {
		out := map[string]any{}
		for i, n := range names {
			out[jsonInt(int64(i))] = map[string]any{"id": i, "name": n}
		}
		return out
	}
	actionObjectTypes := map[string]any{"0": "Incident", "1": "Task", "2": "Note", "3": "Milestone", "4": "Artifact", "5": "Attachment", "13": "Email Message"}
	actionTypes := map[string]any{"0": "Automatic", "1": "Manual"}
	destinationTypes := map[string]any{"0": "Queue", "1": "Topic"}
	return map[string]any{
		"server_version": map[string]any{"major": 51, "minor": 0, "build_number": 0, "version": ServerVersion},
		"actions_framework": map[string]any{
			"enabled": true, "destination_types": destinationTypes, "action_types": actionTypes,
			"action_object_types":        actionObjectTypes,
			"action_invocation_statuses": map[string]any{"0": "Pending", "1": "Done", "2": "Error"},
		},
		"action_types":              actionTypes,
		"action_object_types":       actionObjectTypes,
		"message_destination_types": destinationTypes,
		"incident_statuses":         statusTable([3]any{"A", "Active", false}, [3]any{"C", "Closed", true}),
		"task_statuses": map[string]any{
			"O": map[string]any{"id": "O", "enabled": true, "name": "Open", "description": nil, "closed": false},
			"C": map[string]any{"id": "C", "enabled": true, "name": "Closed", "description": nil, "closed": true},
		},
		"harm_statuses": map[string]any{
			"1": map[string]any{"id": 1, "name": "No"}, "2": map[string]any{"id": 2, "name": "Unknown"}, "3": map[string]any{"id": 3, "name": "Yes"},
		},
		"crime_statuses":  crimeStatuses(),
		"data_formats":    named("Electronic", "Paper", "Verbal"),
		"gdpr_risk_types": map[string]any{"0": map[string]any{"id": 0, "name": "NoRisk"}, "1": map[string]any{"id": 1, "name": "Risk"}, "2": map[string]any{"id": 2, "name": "HighRisk"}},
		"nist_attack_vectors": func() map[string]any {
			out := map[string]any{}
			for _, o := range incidentField("nist_attack_vectors").values {
				out[jsonInt(o.value.(int64))] = map[string]any{"id": o.value, "name": o.label}
			}
			return out
		}(),
		"max_artifact_mb": 25, "max_artifacts": 500, "max_attachment_mb": 25, "max_img_mb": 5,
		"max_page_size": 100, "max_session_timeout": 86400, "min_session_timeout": 300,
		"period_types": []string{"MONTH", "WEEK", "DAY"},
		"time_units": []map[string]any{
			{"name": "Minutes", "value": "minutes"}, {"name": "Hours", "value": "hours"}, {"name": "Days", "value": "days"},
			{"name": "Months", "value": "months"}, {"name": "Years", "value": "years"},
		},
		"script_languages": map[string]any{"python3": map[string]any{"name": "Python 3"}},
	}
}

func crimeStatuses() map[string]any {
	out := map[string]any{}
	for _, o := range incidentField("crimestatus_id").values {
		out[jsonInt(o.value.(int64))] = map[string]any{"id": o.value, "enabled": true, "name": o.label, "description": nil}
	}
	return out
}
