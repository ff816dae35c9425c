package resilient

import "encoding/json"

// Object type ids of ActionDataDTO.object_type and Workflow.ObjectType
// (resilient-circuits const.action_object_types).
const (
	ObjectIncident  = 0
	ObjectTask      = 1
	ObjectNote      = 2
	ObjectMilestone = 3
	ObjectArtifact  = 4
)

// ActionData is the body of a rule-action message (ActionDataDTO): an
// object event (artifact created, menu item...) with the objects it is about.
type ActionData struct {
	ActionID   int64           `json:"action_id"`
	ObjectType Ref             `json:"object_type"` // number or {id,name}: ObjectArtifact for artifact rules
	Incident   *Incident       `json:"incident"`
	Artifact   *Artifact       `json:"artifact"`
	Properties json.RawMessage `json:"properties,omitempty"` // rule activity fields, kept raw
	Principal  *Principal      `json:"principal"`
	// Extra holds keys not named above (task, note, user, timestamp...).
	Extra Extra `json:"-"`
}

// UnmarshalJSON decodes the DTO and keeps unknown keys in Extra.
func (a *ActionData) UnmarshalJSON(b []byte) error {
	type plain ActionData
	return decodeWithExtra(b, (*plain)(a), &a.Extra)
}

// MarshalJSON encodes the DTO with its Extra keys.
func (a ActionData) MarshalJSON() ([]byte, error) {
	type plain ActionData
	return encodeWithExtra(plain(a), a.Extra)
}
