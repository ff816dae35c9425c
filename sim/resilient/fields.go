package resilientsim

import (
	"crypto/sha1" //nolint:gosec // a name-based id, not a secret
	"fmt"
	"strings"
)

// SOAR's object type ids (the type_id of a field; /rest/const
// action_object_types for the first ones).
const (
	typeIncident         int64 = 0
	typeArtifact         int64 = 4
	typeActionInvocation int64 = 6
	typeFunction         int64 = 11
)

// option is one value of a select or multiselect field.
type option struct {
	value any // an int64 id, or a string (plan_status "A")
	label string
}

// fieldDef is one field of an object type, as SOAR's FieldDTO.
type fieldDef struct {
	id        int64
	typeID    int64
	name      string
	text      string
	inputType string
	tooltip   string
	required  string // "", "always" or "close"
	internal  bool   // a built-in field; custom fields go under properties
	readOnly  bool
	blank     bool // blank_option
	chosen    bool
	values    []option
}

// operationsOf are the rule conditions SOAR offers per input type
// (pytest-resilient-circuits data/200_JSON_GET__types_incident_fields.json).
func operationsOf(inputType string) []string {
	switch inputType {
	case "number", "datetimepicker", "datepicker":
		return []string{"equals", "not_equals", "lt", "lte", "gt", "gte", "changed", "changed_to", "not_changed_to", "has_a_value", "not_has_a_value"}
	case "select", "multiselect", "select_owner", "multiselect_members":
		return []string{"equals", "not_equals", "in", "not_in", "changed", "changed_to", "not_changed_to", "has_a_value", "not_has_a_value"}
	case "boolean":
		return []string{"equals", "not_equals", "changed", "changed_to", "not_changed_to", "has_a_value", "not_has_a_value"}
	default: // text, textarea
		return []string{"equals", "not_equals", "contains", "not_contains", "changed", "changed_to", "not_changed_to", "has_a_value", "not_has_a_value"}
	}
}

// nameUUID is a stable UUID-shaped id for a named object, so that every
// run of the sim answers the same uuid.
func nameUUID(kind, name string) string {
	h := sha1.Sum([]byte(kind + "\x00" + name)) //nolint:gosec // not a secret
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// dto renders the field as SOAR's FieldDTO (the keys of the recorded
// fields: pytest-resilient-circuits data/200_JSON_GET__types_incident_fields.json
// and 200_JSON_GET__types_function_fields.json).
func (f fieldDef) dto() map[string]any {
	ops := operationsOf(f.inputType)
	opPerms := make(map[string]any, len(ops))
	for _, op := range ops {
		manual := !strings.HasPrefix(op, "changed") && op != "not_changed_to"
		opPerms[strings.ToUpper(op)] = map[string]any{
			"show_in_manual_actions": manual, "show_in_notifications": true, "show_in_auto_actions": true,
		}
	}
	values := make([]map[string]any, len(f.values))
	for i, v := range f.values {
		values[i] = map[string]any{"uuid": nil, "default": false, "enabled": true, "value": v.value, "label": v.label, "properties": nil}
	}
	custom := !f.internal
	out := map[string]any{
		"id": f.id, "name": f.name, "text": f.text, "type_id": f.typeID, "uuid": nameUUID("field", fmt.Sprint(f.typeID, ".", f.name)),
		"input_type": f.inputType, "tooltip": f.tooltip, "placeholder": "", "prefix": nil,
		"internal": f.internal, "read_only": f.readOnly, "changeable": true, "blank_option": f.blank,
		"chosen": f.chosen, "rich_text": false, "hide_notification": false, "templates": []any{},
		"values": values, "operations": ops, "operation_perms": opPerms,
		"perms": map[string]any{
			"sort": true, "modify_type": []string{f.inputType}, "modify_required": custom, "modify_default": custom,
			"modify_operations": custom, "modify_name": custom, "modify_chosen": custom, "modify_blank": custom,
			"modify_values": custom, "delete": custom,
			"show_in_manual_actions": true, "show_in_notifications": true, "show_in_auto_actions": true,
		},
	}
	if f.typeID == typeIncident && !f.internal {
		out["prefix"] = "properties"
	}
	if f.required != "" {
		out["required"] = f.required
	}
	return out
}

// optionID answers the id of the option labelled label ("" when none).
func (f fieldDef) optionID(label string) (any, bool) {
	for _, o := range f.values {
		if strings.EqualFold(o.label, label) {
			return o.value, true
		}
	}
	return nil, false
}

// optionLabel answers the label of the option of id v.
func (f fieldDef) optionLabel(v any) (string, bool) {
	for _, o := range f.values {
		if fmt.Sprint(o.value) == fmt.Sprint(v) {
			return o.label, true
		}
	}
	return "", false
}
