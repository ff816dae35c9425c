package resilientsim

import (
	"net/http"
	"strconv"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// This file answers what IBM's client reads at start: the org
// (resilient/co3.py get_client: actions_framework_enabled), the constants
// (resilient_circuits/rest_helper.py: server_version), the rules, the
// object types and their fields, the functions and the message
// destinations (resilient_circuits/actions_component.py _get_fields and
// _configure_opts).

// orgOf resolves {org} of the path: 404 for a malformed id, 403 for an org
// the sim does not have (the caller is not a member).
func (s *Sim) orgOf(r *http.Request) (int64, *reply) {
	id, err := strconv.ParseInt(r.PathValue("org"), 10, 64)
	if err != nil {
		rep := errorReply(http.StatusNotFound, "no such org")
		return 0, &rep
	}
	if _, ok := s.data.orgs[id]; !ok {
		rep := errorReply(http.StatusForbidden, "Access denied: not a member of org "+r.PathValue("org"))
		return 0, &rep
	}
	return id, nil
}

// orgName is the name an org is known by (what app.config's org = names).
func orgName(id int64) string { return "org" + jsonInt(id) }

// orgDTO is an org as /rest/session lists it and GET /rest/orgs/{org}
// answers it (resilient-lib tests/shared_mock_data/mock_responses/
// 200_JSON_GET__rest_session.json; actions_framework_enabled from
// 200_JSON_GET__orgs_[0-9]+$.json). The actions framework is on: with it
// off resilient-circuits opens no STOMP connection (actions_component.py,
// _setup_stomp).
func orgDTO(id int64) map[string]any {
	return map[string]any{
		"id": id, "name": orgName(id), "uuid": nameUUID("org", jsonInt(id)), "cloud_account": nil,
		"enabled": true, "actions_framework_enabled": true, "attachments_enabled": true, "tasks_private": false,
		"has_saml": false, "require_saml": false, "supports_ldap": false, "authorized_ldap_group": nil,
		"has_available_twofactor": false, "twofactor_auth_domain": nil, "twofactor_cookie_lifetime_secs": 0,
		"addr": nil, "addr2": nil, "city": nil, "state": nil, "zip": nil,
		"perms": map[string]any{
			"administrator": true, "master_administrator": true, "observer": false,
			"create_incs": true, "create_shared_layout": true,
		},
	}
}

func (s *Sim) getOrg(r *http.Request, _ string) reply {
	id, fail := s.orgOf(r)
	if fail != nil {
		return *fail
	}
	return reply{status: http.StatusOK, body: orgDTO(id)}
}

func (s *Sim) getConst(*http.Request, string) reply {
	return reply{status: http.StatusOK, body: constDTO()}
}

// listActions answers the rules: {"entities": [ActionDTO]}
// (pytest-resilient-circuits data/200_JSON_GET__actions.json).
func (s *Sim) listActions(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	byName := names(r)
	out := make([]map[string]any, 0, len(rules))
	for _, rule := range rules {
		a := map[string]any{
			"id": rule.id, "name": rule.name, "export_key": rule.name, "uuid": nameUUID("action", rule.name),
			"type": 1, "object_type": 4, "logic_type": "all", "timeout_seconds": 86400,
			"view_items": []any{}, "automations": []any{}, "conditions": []any{}, "message_destinations": []any{},
		}
		if rule.automatic {
			a["type"] = 0
			var typ any = resilient.ArtifactDNSName
			if byName {
				typ = artifactTypes[resilient.ArtifactDNSName]
			}
			a["conditions"] = []map[string]any{{"type": nil, "evaluation_id": nil, "field_name": "artifact.type", "method": "equals", "value": typ}}
			var dest any = destinationID
			if byName {
				dest = resilient.DomainToolsDestination
			}
			a["message_destinations"] = []any{dest}
		}
		out = append(out, a)
	}
	return reply{status: http.StatusOK, body: map[string]any{"entities": out}}
}

// getType answers an object type: {"type_id", "type_name", "display_name",
// "fields": {name: FieldDTO}, …} (pytest-resilient-circuits
// data/200_JSON_GET__types_artifact.json).
func (s *Sim) getType(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	name := r.PathValue("type")
	fields, typeID, ok := fieldsOf(name)
	if !ok {
		if table, _, ok := s.dataTableType(name); ok {
			return reply{status: http.StatusOK, body: table}
		}
		return errorReply(http.StatusNotFound, "Could not find type with name "+name)
	}
	byName := make(map[string]any, len(fields))
	for _, f := range fields {
		byName[f.name] = f.dto()
	}
	display := map[string]string{"incident": "Incident", "artifact": "Artifact", "actioninvocation": "Action Invocation", "__function": "Function"}[name]
	return reply{status: http.StatusOK, body: map[string]any{
		"id": typeID, "type_id": typeID, "type_name": name, "display_name": display, "uuid": nameUUID("type", name),
		"parent_types": []any{}, "fields": byName, "actions": []any{}, "scripts": []any{},
		"for_workflows": false, "for_actions": false, "for_notifications": false, "for_custom_fields": false,
		"properties": map[string]any{"for_who": []any{}, "can_destroy": false, "can_create": false},
	}}
}

// listTypeFields answers a type's fields as a list of FieldDTO
// (pytest-resilient-circuits data/200_JSON_GET__types_incident_fields.json,
// 200_JSON_GET__types_function_fields.json).
func (s *Sim) listTypeFields(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	name := r.PathValue("type")
	fields, _, ok := fieldsOf(name)
	if !ok {
		if _, list, ok := s.dataTableType(name); ok {
			return reply{status: http.StatusOK, body: list}
		}
		return errorReply(http.StatusNotFound, "Could not find type with name "+name)
	}
	out := make([]map[string]any, len(fields))
	for i, f := range fields {
		out[i] = f.dto()
	}
	return reply{status: http.StatusOK, body: out}
}

// principalDTO is the sim's user as a creator / last_modified_by.
func principalDTO() map[string]any {
	return map[string]any{"display_name": simUserFirst + " " + simUserLast, "type": "user", "id": simUserID, "name": DefaultEmail}
}

// functionDTO is a function definition (pytest-resilient-circuits
// data/200_JSON_GET__functions.json): destination_handle is the message
// destination's id, its API name with handle_format=names (which
// resilient-circuits asks for, actions_component.py _get_fields, and reads
// as the queue to subscribe to).
func functionDTO(fn functionDef, byName bool) map[string]any {
	items := make([]map[string]any, 0, len(fn.inputs))
	for _, in := range fn.inputs {
		for _, f := range functionInputs {
			if f.name == in {
				items = append(items, map[string]any{"element": "field_uuid", "field_type": "__function",
					"content": f.dto()["uuid"], "show_if": nil, "show_link_header": false, "step_label": nil})
			}
		}
	}
	var dest any = destinationID
	if byName {
		dest = resilient.DomainToolsDestination
	}
	return map[string]any{
		"id": fn.id, "name": fn.name, "display_name": fn.displayName, "description": fn.description,
		"uuid": nameUUID("function", fn.name), "export_key": fn.name, "version": 1,
		"creator": principalDTO(), "last_modified_by": principalDTO(), "last_modified_time": int64(1564742400000),
		"destination_handle": dest, "view_items": items, "workflows": []any{}, "tags": []any{},
	}
}

func (s *Sim) listFunctions(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	out := make([]map[string]any, len(functions))
	for i, fn := range functions {
		out[i] = functionDTO(fn, names(r))
	}
	return reply{status: http.StatusOK, body: map[string]any{"entities": out}}
}

// getFunction answers one function by API name or id; 404 for another
// (resilient-circuits asks with skip_retry=[404]).
func (s *Sim) getFunction(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	handle := r.PathValue("fn")
	for _, fn := range functions {
		if fn.name == handle || jsonInt(fn.id) == handle {
			return reply{status: http.StatusOK, body: functionDTO(fn, names(r))}
		}
	}
	return errorReply(http.StatusNotFound, "Function "+handle+" not found")
}

// listDestinations answers the message destinations
// (pytest-resilient-circuits data/200_JSON_GET__message_destinations.json).
func (s *Sim) listDestinations(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	return reply{status: http.StatusOK, body: map[string]any{"entities": []any{destinationDTO()}}}
}

func destinationDTO() map[string]any {
	n := resilient.DomainToolsDestination
	return map[string]any{
		"id": destinationID, "name": n, "programmatic_name": n, "export_key": n, "uuid": nameUUID("destination", n),
		"destination_type": 0, "expect_ack": true, "users": []any{simUserID}, "api_keys": []any{DefaultAPIKeyID},
	}
}
