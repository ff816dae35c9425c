package resilientsim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// getJSON sends an API-key GET and decodes the JSON answer, failing on
// another status or a non-JSON body.
func getJSON(t *testing.T, s *Sim, path string, want int) any {
	t.Helper()
	w := do(t, s, "GET", path, "", apiKey)
	if w.Code != want {
		t.Fatalf("GET %s = %d, want %d: %s", path, w.Code, want, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want JSON", path, ct)
	}
	var v any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, w.Body)
	}
	return v
}

// What IBM's client reads before it can run an app against an org, in its
// order, answers as SOAR does:
//   - resilient/co3base.py set_api_key: GET /rest/session, then
//     _extract_org_id picks the org named in app.config among "orgs"
//     (enabled, by "name");
//   - resilient/co3.py get_client: GET /rest/orgs/{org} and its
//     actions_framework_enabled (a KeyError without it);
//   - resilient_circuits/rest_helper.py: GET /rest/const, server_version;
//   - resilient_circuits/actions_component.py _configure_opts: GET /actions,
//     {"entities": [...]} with int ids; _get_fields: /types/incident/fields,
//     /types/actioninvocation/fields, /functions/{name}?handle_format=names
//     (destination_handle is the queue it subscribes to) and
//     /types/__function/fields, each a list of fields by "name".
//
// Shapes from resilient-lib tests/shared_mock_data/mock_responses/ and
// pytest-resilient-circuits pytest_resilient_circuits/data/.
func TestIBMClientStartup(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	session := getJSON(t, s, "/rest/session?include_permissions=false", 200).(map[string]any)
	var orgID float64
	for _, o := range session["orgs"].([]any) {
		o := o.(map[string]any)
		if o["name"] == "org201" && o["enabled"] == true {
			orgID = o["id"].(float64)
		}
	}
	if orgID != 201 {
		t.Fatalf("no enabled org named org201 in the session: %v", session["orgs"])
	}
	if _, ok := session["api_key_handle"].(float64); !ok {
		t.Errorf("API key session without api_key_handle: %v", session)
	}

	org := getJSON(t, s, "/rest/orgs/201", 200).(map[string]any)
	if org["actions_framework_enabled"] != true {
		t.Errorf("actions_framework_enabled = %v, want true (else resilient-circuits opens no STOMP connection)", org["actions_framework_enabled"])
	}
	if org["id"] != 201.0 || org["name"] != "org201" {
		t.Errorf("org %v", org)
	}

	c := getJSON(t, s, "/rest/const", 200).(map[string]any)
	if v, _ := c["server_version"].(map[string]any)["version"].(string); v == "" {
		t.Errorf("const server_version %v", c["server_version"])
	}
	for _, k := range []string{"actions_framework", "action_object_types", "incident_statuses", "max_page_size", "message_destination_types"} {
		if _, ok := c[k]; !ok {
			t.Errorf("const lacks %s", k)
		}
	}

	actions := getJSON(t, s, "/rest/orgs/201/actions", 200).(map[string]any)["entities"].([]any)
	if len(actions) == 0 {
		t.Fatal("no actions")
	}
	for _, a := range actions {
		a := a.(map[string]any)
		if id, ok := a["id"].(float64); !ok || id != float64(int64(id)) || a["name"] == "" {
			t.Errorf("action %v", a)
		}
	}

	for _, typ := range []string{"incident", "actioninvocation", "__function"} {
		fields := getJSON(t, s, "/rest/orgs/201/types/"+typ+"/fields", 200).([]any)
		for _, f := range fields {
			f := f.(map[string]any)
			if f["name"] == "" || f["input_type"] == "" || f["uuid"] == "" {
				t.Errorf("%s field %v", typ, f)
			}
		}
	}

	fn := getJSON(t, s, "/rest/orgs/201/functions/domaintools_profile_domain_with_iris?handle_format=names", 200).(map[string]any)
	if fn["destination_handle"] != "domaintools" || fn["name"] != "domaintools_profile_domain_with_iris" {
		t.Errorf("function %v", fn)
	}
	inputs := map[string]bool{}
	for _, f := range getJSON(t, s, "/rest/orgs/201/types/__function/fields", 200).([]any) {
		inputs[f.(map[string]any)["uuid"].(string)] = true
	}
	for _, item := range fn["view_items"].([]any) {
		if u := item.(map[string]any)["content"].(string); !inputs[u] {
			t.Errorf("function input %s is not a __function field", u)
		}
	}
}

// Handles are ids unless the request asks handle_format=names: a function's
// destination_handle is the message destination's id, the one
// /message_destinations lists (pytest-resilient-circuits
// data/200_JSON_GET__functions.json, 200_JSON_GET__message_destinations.json).
func TestFunctionDestinationHandle(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	fn := getJSON(t, s, "/rest/orgs/201/functions/domaintools_execute_pivots", 200).(map[string]any)
	dests := getJSON(t, s, "/rest/orgs/201/message_destinations", 200).(map[string]any)["entities"].([]any)
	d := dests[0].(map[string]any)
	if fn["destination_handle"] != d["id"] || d["programmatic_name"] != "domaintools" {
		t.Errorf("destination_handle %v, destination %v", fn["destination_handle"], d)
	}
	byID := getJSON(t, s, "/rest/orgs/201/functions/16", 200).(map[string]any)
	if byID["name"] != "domaintools_execute_pivots" {
		t.Errorf("function 16 = %v", byID["name"])
	}
	all := getJSON(t, s, "/rest/orgs/201/functions", 200).(map[string]any)["entities"].([]any)
	if len(all) != len(functions) {
		t.Errorf("%d functions, want %d", len(all), len(functions))
	}
	errBody(t, do(t, s, "GET", "/rest/orgs/201/functions/fn_nope", "", apiKey), http.StatusNotFound)
	errBody(t, do(t, s, "GET", "/rest/orgs/999/functions/domaintools_execute_pivots", "", apiKey), http.StatusForbidden)
}

// GET /rest/orgs/{org}/types/{type} answers the type with its fields by
// name (pytest-resilient-circuits data/200_JSON_GET__types_artifact.json);
// the incident's select values are the recorded org's
// (200_JSON_GET__types_incident_fields.json: Engage 1003, High 52).
func TestTypes(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	inc := getJSON(t, s, "/rest/orgs/201/types/incident", 200).(map[string]any)
	if inc["type_name"] != "incident" || inc["type_id"] != 0.0 {
		t.Fatalf("type %v %v", inc["type_name"], inc["type_id"])
	}
	fields := inc["fields"].(map[string]any)
	value := func(field, label string) any {
		for _, v := range fields[field].(map[string]any)["values"].([]any) {
			if v.(map[string]any)["label"] == label {
				return v.(map[string]any)["value"]
			}
		}
		return nil
	}
	if value("phase_id", "Engage") != 1003.0 || value("severity_code", "High") != 52.0 || value("plan_status", "Active") != "A" {
		t.Errorf("select values: Engage %v, High %v, Active %v", value("phase_id", "Engage"), value("severity_code", "High"), value("plan_status", "Active"))
	}
	custom := fields["domaintoolsdata"].(map[string]any)
	if custom["prefix"] != "properties" || custom["internal"] != false || custom["input_type"] != "boolean" {
		t.Errorf("domaintoolsdata %v", custom)
	}
	art := getJSON(t, s, "/rest/orgs/201/types/artifact", 200).(map[string]any)
	typ := art["fields"].(map[string]any)["type"].(map[string]any)
	if typ["input_type"] != "select" || len(typ["values"].([]any)) == 0 {
		t.Errorf("artifact type field %v", typ)
	}
	errBody(t, do(t, s, "GET", "/rest/orgs/201/types/nope", "", apiKey), http.StatusNotFound)
	errBody(t, do(t, s, "GET", "/rest/orgs/201/types/nope/fields", "", apiKey), http.StatusNotFound)
}

// errBody checks SOAR's JSON error body, the one of every refused request
// (docs/resilient-protocol.md §4).
func errBody(t *testing.T, w interface {
	Result() *http.Response
}, want int) map[string]any {
	t.Helper()
	res := w.Result()
	defer res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("status %d, want %d", res.StatusCode, want)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, want JSON", ct)
	}
	var b map[string]any
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		t.Fatalf("error body: %v", err)
	}
	if b["success"] != false || b["message"] == "" || b["error_code"] == nil {
		t.Fatalf("error body %v", b)
	}
	return b
}

// A path no route serves, or a method its route does not take, is a JSON
// error as SOAR answers it, not Go's text/plain "404 page not found"
// (resilient's SimpleHTTPException shows the body to the user).
func TestUnknownRoutesAnswerJSON(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/rest/nope", http.StatusNotFound},
		{"GET", "/rest/orgs/201/incidents/4206/nope", http.StatusNotFound},
		{"GET", "/nope", http.StatusNotFound},
		{"DELETE", "/rest/orgs/201/incidents/4206", http.StatusMethodNotAllowed},
		{"PUT", "/rest/orgs/201/incidents/4206/comments", http.StatusMethodNotAllowed},
	} {
		w := do(t, s, tc.method, tc.path, "", apiKey)
		b := errBody(t, w, tc.want)
		if !strings.Contains(b["message"].(string), http.StatusText(tc.want)) {
			t.Errorf("%s %s: message %q", tc.method, tc.path, b["message"])
		}
		if tc.want == http.StatusMethodNotAllowed && w.Header().Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
	}
}

// /rest/session answers the recorded keys (resilient-lib
// tests/shared_mock_data/mock_responses/200_JSON_POST__rest_session.json):
// a login carries csrf_token and user_id, read by co3base.py _connect.
func TestSessionShape(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	w := do(t, s, "POST", "/rest/session?include_permissions=false", `{"email":"admin@example.com","password":"irisflow-password"}`, nil)
	if w.Code != 200 {
		t.Fatalf("login %d %s", w.Code, w.Body)
	}
	var b map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"csrf_token", "user_id", "user_email", "user_fname", "user_lname", "is_ldap", "is_saml", "saml_alias", "session_ip", "orgs"} {
		if _, ok := b[k]; !ok {
			t.Errorf("login answer lacks %s", k)
		}
	}
	o := b["orgs"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "name", "enabled", "perms", "attachments_enabled", "tasks_private", "has_saml", "require_saml", "supports_ldap"} {
		if _, ok := o[k]; !ok {
			t.Errorf("session org lacks %s", k)
		}
	}
}

// recordedIncidentKeys are the keys of IBM's recorded incident
// (pytest-resilient-circuits data/200_JSON_GET__incidents_2314.json).
var recordedIncidentKeys = strings.Fields(`actions addr admin_id artifacts assessment city cm comments confirmed
	country create_date creator creator_id crimestatus_id data_compromised description discovered_date draft dtm
	due_date employee_involved end_date exposure exposure_dept_id exposure_individual_name exposure_type_id
	exposure_vendor_id hard_liability hipaa id inc_start inc_training incident_type_ids is_scenario
	jurisdiction_name jurisdiction_reg_id members name negative_pr_likely nist_attack_vectors org_id owner_id
	perms phase_id pii plan_status properties regulators reporter resolution_id resolution_summary severity_code
	start_date state task_changes tasks vers zip`)

// The incident is SOAR's IncidentDTO: the 58 recorded keys, handles as ids
// (the recorded "phase_id": 1002, "severity_code": 50, "owner_id": 1) and
// as names only with handle_format=names; custom fields under properties.
func TestIncidentIsIncidentDTO(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	ids := getJSON(t, s, "/rest/orgs/201/incidents/4206", 200).(map[string]any)
	var keys []string
	for k := range ids {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(recordedIncidentKeys) != 58 || !slices.Equal(keys, recordedIncidentKeys) {
		t.Errorf("incident keys\n%v\nwant the recorded\n%v", keys, recordedIncidentKeys)
	}
	want := map[string]any{"phase_id": 1003.0, "severity_code": 52.0, "owner_id": 1.0, "creator_id": 1.0,
		"plan_status": "A", "vers": 1.0, "exposure_type_id": 1.0, "org_id": 201.0, "name": DemoIncidentName}
	for k, v := range want {
		if ids[k] != v {
			t.Errorf("%s = %#v, want %#v", k, ids[k], v)
		}
	}
	if types := ids["incident_type_ids"].([]any); len(types) != 1 || types[0] != 4.0 {
		t.Errorf("incident_type_ids = %v, want [4]", types)
	}
	if p := ids["properties"].(map[string]any); !hasKey(p, "domaintoolsdata") {
		t.Errorf("properties %v lack domaintoolsdata", p)
	}

	named := getJSON(t, s, "/rest/orgs/201/incidents/4206?handle_format=names", 200).(map[string]any)
	wantNamed := map[string]any{"phase_id": "Engage", "severity_code": "High", "owner_id": DefaultEmail,
		"creator_id": DefaultEmail, "exposure_type_id": "Unknown", "plan_status": "A"}
	for k, v := range wantNamed {
		if named[k] != v {
			t.Errorf("names: %s = %#v, want %#v", k, named[k], v)
		}
	}
	if types := named["incident_type_ids"].([]any); len(types) != 1 || types[0] != "Lost documents / files / records" {
		t.Errorf("names: incident_type_ids = %v", types)
	}

	// An incident the sim creates has the same shape.
	id := s.CreateIncident(DemoOrg, "another")
	other := getJSON(t, s, "/rest/orgs/201/incidents/"+jsonInt(id), 200).(map[string]any)
	if len(other) != 58 || other["phase_id"] != 1002.0 || other["severity_code"] != 50.0 {
		t.Errorf("created incident: %d keys, phase %v, severity %v", len(other), other["phase_id"], other["severity_code"])
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// The seed app's post-process sets incident.properties.domaintoolsdata
// (docs/resilient-protocol.md §5); the incident then shows it and a new vers.
func TestSetIncidentProperty(t *testing.T) {
	t.Parallel()
	s := New(Config{})
	if err := s.SetIncidentProperty(DemoOrg, DemoIncident, "domaintoolsdata", true); err != nil {
		t.Fatal(err)
	}
	inc := getJSON(t, s, "/rest/orgs/201/incidents/4206", 200).(map[string]any)
	if inc["properties"].(map[string]any)["domaintoolsdata"] != true || inc["vers"] != 2.0 {
		t.Errorf("properties %v, vers %v", inc["properties"], inc["vers"])
	}
	if err := s.SetIncidentProperty(DemoOrg, DemoIncident, "plan_status", "C"); err == nil {
		t.Error("a built-in field was set as a property")
	}
	if err := s.SetIncidentProperty(DemoOrg, 1, "domaintoolsdata", true); err == nil {
		t.Error("a property of a missing incident was set")
	}
}
