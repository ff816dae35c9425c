package resilientsim

import (
	"net/http"
	"slices"
	"strconv"
)

// dataTableTypeID is SOAR's object type id of a data table (TypeDTO.type_id).
const dataTableTypeID = 8

// getOrg answers GET /rest/orgs/{org}: the org (OrgDTO, the fields irisflow
// reads) for a member, 403 otherwise, as SOAR does.
func (s *Sim) getOrg(r *http.Request, _ string) reply {
	id, fail := s.orgOf(r)
	if fail != nil {
		return *fail
	}
	return reply{status: http.StatusOK, body: map[string]any{"id": id, "name": "org" + jsonInt(id), "enabled": true}}
}

// getType answers GET /rest/orgs/{org}/types/{type} for the sim's data
// tables (TypeDTO: type_id 8, type_name, display_name, fields by API
// name); 404 for a type the org does not have.
func (s *Sim) getType(r *http.Request, _ string) reply {
	if _, fail := s.orgOf(r); fail != nil {
		return *fail
	}
	name := r.PathValue("type")
	cols, ok := s.data.tables[name]
	if !ok {
		return errorReply(http.StatusNotFound, "Could not find type with name "+name)
	}
	fields := make(map[string]any, len(cols))
	for i, c := range slices.Sorted(slices.Values(cols)) {
		fields[c] = map[string]any{"id": i + 1, "name": c, "text": c, "input_type": "text"}
	}
	return reply{status: http.StatusOK, body: map[string]any{
		"id": 1000, "type_id": dataTableTypeID, "type_name": name, "display_name": name,
		"fields": fields, "enabled": true,
	}}
}

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
