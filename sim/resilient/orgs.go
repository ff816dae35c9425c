package resilientsim

import (
	"slices"
)

// dataTableTypeID is SOAR's object type id of a data table (TypeDTO.type_id).
const dataTableTypeID = 8

// dataTableType answers the TypeDTO of one of the sim's data tables
// (type_id 8, type_name, display_name, fields by API name); false for a
// name that is no data table of the org.
func (s *Sim) dataTableType(name string) (map[string]any, []map[string]any, bool) {
	cols, ok := s.data.tables[name]
	if !ok {
		return nil, nil, false
	}
	fields := make(map[string]any, len(cols))
	list := make([]map[string]any, 0, len(cols))
	for i, c := range slices.Sorted(slices.Values(cols)) {
		f := map[string]any{"id": i + 1, "name": c, "text": c, "input_type": "text", "type_id": 1000}
		fields[c] = f
		list = append(list, f)
	}
	return map[string]any{
		"id": 1000, "type_id": dataTableTypeID, "type_name": name, "display_name": name,
		"fields": fields, "enabled": true,
	}, list, true
}
