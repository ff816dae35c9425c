package work

import (
	"encoding/json"
	"fmt"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Message is one FN invocation with its body decoded once, by payload:
// Function for a function call, Action for a rule action; internal work
// keeps its body raw (Internal).
type Message struct {
	Invocation *flow.Invocation
	Function   *resilient.FunctionData
	Action     *resilient.ActionData
	Internal   json.RawMessage
}

// decodeMessage decodes inv's body according to its payload. A body that is
// not the JSON its payload announces is bad input.
func decodeMessage(inv *flow.Invocation) (*Message, error) {
	m := &Message{Invocation: inv}
	switch inv.Payload {
	case flow.PayloadFunction:
		var fd resilient.FunctionData
		if err := json.Unmarshal(inv.Body, &fd); err != nil {
			return nil, BadInput("decode function message: %v", err)
		}
		if fd.Inputs == nil {
			fd.Inputs = resilient.Inputs{}
		}
		m.Function = &fd
	case flow.PayloadAction:
		var ad resilient.ActionData
		if err := json.Unmarshal(inv.Body, &ad); err != nil {
			return nil, BadInput("decode action message: %v", err)
		}
		m.Action = &ad
	case flow.PayloadInternal:
		m.Internal = inv.Body
	default:
		return nil, BadInput("%s work with payload %q", inv.Kind, inv.Payload)
	}
	return m, nil
}

// Inputs are the inputs of a function call; bad input when the message is
// not one.
func (m *Message) Inputs() (resilient.Inputs, error) {
	if m.Function == nil {
		return nil, BadInput("%s work needs a function call (%s), got payload %q", m.Invocation.Kind, flow.PayloadFunction, m.Invocation.Payload)
	}
	return m.Function.Inputs, nil
}

// BadInput is the permanent error of work whose inputs are unusable: an
// error reply naming the problem and a dead letter.
func BadInput(format string, args ...any) error {
	return flow.Permanent(fmt.Errorf(format, args...))
}
