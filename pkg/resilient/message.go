package resilient

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrUnsupportedPayload is returned (wrapped) by Decode for a
// Co3MessagePayload irisflow does not handle (low-code payloads, a missing
// header...).
var ErrUnsupportedPayload = errors.New("resilient: unsupported message payload")

// ErrMalformed is returned (wrapped, with context) by Decode for a body that
// is not the JSON its payload header announces.
var ErrMalformed = errors.New("resilient: malformed message")

// Message is one decoded inbound SOAR message: exactly one of Function and
// Action is set, according to Headers.Payload.
type Message struct {
	Headers  Headers
	Function *FunctionData
	Action   *ActionData
}

// Decode decodes a STOMP MESSAGE body according to its Co3MessagePayload
// header. An unknown payload gives ErrUnsupportedPayload; bad JSON, or a
// function message without function name, gives ErrMalformed.
func Decode(h Headers, body []byte) (*Message, error) {
	m := &Message{Headers: h}
	switch h.Payload {
	case PayloadFunction:
		var f FunctionData
		if err := json.Unmarshal(body, &f); err != nil {
			return nil, fmt.Errorf("decode %s (message %s): %w: %v", h.Payload, h.MessageID, ErrMalformed, err)
		}
		if f.Function.Name == "" {
			return nil, fmt.Errorf("decode %s (message %s): %w: no function name", h.Payload, h.MessageID, ErrMalformed)
		}
		m.Function = &f
	case PayloadAction:
		var a ActionData
		if err := json.Unmarshal(body, &a); err != nil {
			return nil, fmt.Errorf("decode %s (message %s): %w: %v", h.Payload, h.MessageID, ErrMalformed, err)
		}
		m.Action = &a
	default:
		return nil, fmt.Errorf("decode message %s: %w: %q", h.MessageID, ErrUnsupportedPayload, h.Payload)
	}
	return m, nil
}

// FunctionData is the body of a function message (FunctionDataDTO).
type FunctionData struct {
	Function         Function          `json:"function"`
	Inputs           Inputs            `json:"inputs"`
	Workflow         *Workflow         `json:"workflow"`
	WorkflowInstance *WorkflowInstance `json:"workflow_instance"`
	Principal        *Principal        `json:"principal"`
	PlaybookInstance json.RawMessage   `json:"playbook_instance"`
	Groups           json.RawMessage   `json:"groups"`
	// Extra holds keys not named above.
	Extra Extra `json:"-"`
}

// UnmarshalJSON decodes the DTO and keeps unknown keys in Extra.
func (f *FunctionData) UnmarshalJSON(b []byte) error {
	type plain FunctionData
	return decodeWithExtra(b, (*plain)(f), &f.Extra)
}

// MarshalJSON encodes the DTO with its Extra keys.
func (f FunctionData) MarshalJSON() ([]byte, error) {
	type plain FunctionData
	return encodeWithExtra(plain(f), f.Extra)
}

// Function identifies the SOAR function being invoked.
type Function struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"` // API name: routes the call
	DisplayName string          `json:"display_name"`
	UUID        *string         `json:"uuid"`
	Description json.RawMessage `json:"description,omitempty"`
	Version     json.RawMessage `json:"version,omitempty"`
	Tags        json.RawMessage `json:"tags,omitempty"`
	Extra       Extra           `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (f *Function) UnmarshalJSON(b []byte) error {
	type plain Function
	return decodeWithExtra(b, (*plain)(f), &f.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (f Function) MarshalJSON() ([]byte, error) {
	type plain Function
	return encodeWithExtra(plain(f), f.Extra)
}

// Workflow is the workflow that called a function.
type Workflow struct {
	WorkflowID       int64   `json:"workflow_id"`
	ProgrammaticName string  `json:"programmatic_name"`
	Name             string  `json:"name"`
	ObjectType       Choice  `json:"object_type"` // {id, name}: incident 0, artifact 4...
	Description      *string `json:"description"`
	UUID             *string `json:"uuid"`
	Extra            Extra   `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (w *Workflow) UnmarshalJSON(b []byte) error {
	type plain Workflow
	return decodeWithExtra(b, (*plain)(w), &w.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (w Workflow) MarshalJSON() ([]byte, error) {
	type plain Workflow
	return encodeWithExtra(plain(w), w.Extra)
}

// WorkflowInstance is the running workflow that called a function.
type WorkflowInstance struct {
	WorkflowInstanceID int64     `json:"workflow_instance_id"`
	Workflow           *Workflow `json:"workflow"`
	Extra              Extra     `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (w *WorkflowInstance) UnmarshalJSON(b []byte) error {
	type plain WorkflowInstance
	return decodeWithExtra(b, (*plain)(w), &w.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (w WorkflowInstance) MarshalJSON() ([]byte, error) {
	type plain WorkflowInstance
	return encodeWithExtra(plain(w), w.Extra)
}
