package bridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// ErrRejected marks a frame the bridge cannot turn into work: it is ACKed,
// dead-lettered with the reason, and answered with an error reply.
var ErrRejected = errors.New("frame rejected")

func reject(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRejected, fmt.Sprintf(format, args...))
}

// translate turns one STOMP frame into an FN invocation. Every error is
// ErrRejected with the reason.
func translate(headers map[string]string, body []byte, overrides map[string]string) (*flow.Invocation, error) {
	h := resilient.ParseHeaders(headers)
	if h.MessageID == "" {
		return nil, reject("frame without message-id")
	}
	// Without both no reply can reach the caller: not processed at all.
	if h.ReplyTo == "" {
		return nil, reject("frame without reply-to: no reply could reach the caller")
	}
	if h.CorrelationID == "" {
		return nil, reject("frame without correlation-id: no reply could be matched to the call")
	}
	org, err := h.Org()
	if err != nil {
		return nil, reject("%v", err)
	}
	msg, err := resilient.Decode(h, body)
	if err != nil {
		return nil, reject("%v", err)
	}
	inv := &flow.Invocation{
		Version: flow.Version,
		ID:      h.MessageID,
		Route: flow.Route{
			Org:           org,
			Destination:   h.DestinationName(),
			ReplyTo:       h.ReplyTo,
			CorrelationID: h.CorrelationID,
		},
		Payload:      h.Payload,
		ContextToken: h.ContextToken,
		Body:         json.RawMessage(body),
		ReceivedAt:   time.Now().UTC(),
	}
	switch {
	case msg.Function != nil:
		name := msg.Function.Function.Name
		kind, ok := flow.KindForFunction(name, overrides)
		if !ok {
			return nil, reject("unknown function %q", name)
		}
		inv.Kind, inv.Function = kind, name
		inv.IncidentID, inv.ArtifactID = idInputs(msg.Function.Inputs)
	case msg.Action != nil:
		a := msg.Action
		if a.Artifact == nil {
			return nil, reject("action %d is not about an artifact", a.ActionID)
		}
		if a.Artifact.Type.ID != resilient.ArtifactDNSName && a.Artifact.Type.Name != "DNS Name" {
			return nil, reject("action %d is about artifact %d of type %s, not DNS Name", a.ActionID, a.Artifact.ID, typeName(a.Artifact.Type))
		}
		if a.Artifact.Value == "" {
			return nil, reject("action %d: artifact %d has no value", a.ActionID, a.Artifact.ID)
		}
		inv.Kind = flow.KindAuto
		inv.ArtifactID = a.Artifact.ID
		if a.Incident != nil {
			inv.IncidentID = a.Incident.ID
		}
		if inv.IncidentID == 0 {
			inv.IncidentID = a.Artifact.IncidentID
		}
	}
	if err := inv.Validate(); err != nil {
		return nil, reject("%v", err)
	}
	return inv, nil
}

func typeName(r resilient.Ref) string {
	if r.Name != "" {
		return strconv.Quote(r.Name)
	}
	return strconv.FormatInt(r.ID, 10)
}

// idInputs reads the incident_id and artifact_id inputs of the decoded
// function message, when present (a number, or a numeric string).
func idInputs(in resilient.Inputs) (incident, artifact int64) {
	incident, _, _ = in.Int("incident_id")
	artifact, _, _ = in.Int("artifact_id")
	return incident, artifact
}
