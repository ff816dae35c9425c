package resilient

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MessageType is the message_type of an ActionAcknowledgementDTO
// (resilient-circuits const.action_invocation_message_types).
type MessageType int

// Message types.
const (
	MessageInfo    MessageType = 0
	MessageError   MessageType = 1
	MessageWarning MessageType = 2
)

// MetricsTimeLayout is the layout of ResultPayload metrics.timestamp.
const MetricsTimeLayout = "2006-01-02 15:04:05"

// ResultPayload is what an @app_function handler's final reply carries
// under "results" (resilient-circuits ResultPayload).
type ResultPayload struct {
	// Version is the payload version; zero means 2.0 (what the payload is
	// built as; the recorded log shows 2.1 on the wire from newer circuits).
	Version float64
	Success bool
	Reason  string // "" is written as null
	// Content is the function's output (what the app yielded), usually a map.
	Content any
	// Inputs are the function's inputs as Inputs.Flatten reports them.
	Inputs  map[string]any
	Metrics Metrics
}

// Metrics describe the run in a ResultPayload.
type Metrics struct {
	Version         string // zero means "1.0"
	Package         string // e.g. "irisflow"
	PackageVersion  string
	Host            string
	ExecutionTimeMS int64
	Timestamp       time.Time // zero means now; written as YYYY-MM-DD HH:MM:SS in its own zone
}

// Ack is a reply body (ActionAcknowledgementDTO) as sent on reply-to.
type Ack struct {
	MessageType MessageType     `json:"message_type"`
	Message     string          `json:"message"`
	Complete    bool            `json:"complete"`
	Results     json.RawMessage `json:"results,omitempty"`
}

type metricsWire struct {
	Version         string `json:"version"`
	Package         string `json:"package"`
	PackageVersion  string `json:"package_version"`
	Host            string `json:"host"`
	ExecutionTimeMS int64  `json:"execution_time_ms"`
	Timestamp       string `json:"timestamp"`
}

type payloadWire struct {
	Version json.Number     `json:"version"`
	Success bool            `json:"success"`
	Reason  *string         `json:"reason"`
	Content any             `json:"content"`
	Raw     json.RawMessage `json:"raw"`
	Inputs  map[string]any  `json:"inputs"`
	Metrics metricsWire     `json:"metrics"`
}

type ackWire struct {
	MessageType MessageType  `json:"message_type"`
	Message     string       `json:"message"`
	Complete    bool         `json:"complete"`
	Results     *payloadWire `json:"results,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a Content that cannot be encoded (a channel, a func...) gets
		// here; say so to SOAR rather than sending nothing.
		b, _ = json.Marshal(ackWire{MessageType: MessageError, Message: "irisflow: cannot encode result: " + err.Error(), Complete: true})
	}
	return b
}

// StatusReply is a status message: {"message_type":0,"message":text,"complete":false}.
// Every reply's message is escaped (EscapeHTML): SOAR renders it as HTML.
func StatusReply(text string) []byte {
	return mustJSON(ackWire{MessageType: MessageInfo, Message: EscapeHTML(text)})
}

// ErrorReply is a function failure: {"message_type":1,"message":text,"complete":true}.
// SOAR renders the message as HTML: text is escaped (EscapeHTML).
func ErrorReply(text string) []byte {
	return mustJSON(ackWire{MessageType: MessageError, Message: EscapeHTML(text), Complete: true})
}

var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeHTML escapes text for the HTML text of a SOAR message or note
// (&, <, >; quotes need no escaping outside attributes), so that values
// echoed in errors are shown, never rendered.
func EscapeHTML(text string) string { return htmlText.Replace(text) }

// ErrorNotice reports a failure without ending the invocation:
// {"message_type":1,"message":text,"complete":false} (a write of follow-up
// work that failed after the invocation's final reply).
func ErrorNotice(text string) []byte {
	return mustJSON(ackWire{MessageType: MessageError, Message: EscapeHTML(text)})
}

// ActionAck acknowledges a rule-action message (ActionDataDTO), which has no
// result payload: {"message_type":0,"message":text,"complete":true}.
func ActionAck(text string) []byte {
	return mustJSON(ackWire{MessageType: MessageInfo, Message: EscapeHTML(text), Complete: true})
}

// ResultReply is a function's final result: {"message_type":0,
// "message":"Completed","complete":true,"results":<ResultPayload>}. A
// failed function with success=false still goes out as type 0.
func ResultReply(p ResultPayload) []byte {
	v := p.Version
	if v == 0 {
		v = 2.0
	}
	ver := strconv.FormatFloat(v, 'f', -1, 64)
	if v == float64(int64(v)) {
		ver += ".0"
	}
	m := p.Metrics
	if m.Version == "" {
		m.Version = "1.0"
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now()
	}
	var reason *string
	if p.Reason != "" {
		reason = &p.Reason
	}
	inputs := p.Inputs
	if inputs == nil {
		inputs = map[string]any{}
	}
	return mustJSON(ackWire{
		MessageType: MessageInfo,
		Message:     "Completed",
		Complete:    true,
		Results: &payloadWire{
			Version: json.Number(ver),
			Success: p.Success,
			Reason:  reason,
			Content: p.Content,
			Raw:     json.RawMessage("null"),
			Inputs:  inputs,
			Metrics: metricsWire{
				Version:         m.Version,
				Package:         m.Package,
				PackageVersion:  m.PackageVersion,
				Host:            m.Host,
				ExecutionTimeMS: m.ExecutionTimeMS,
				Timestamp:       m.Timestamp.Format(MetricsTimeLayout),
			},
		},
	})
}

// DecodeReply decodes a reply body (for the simulator and tests).
func DecodeReply(b []byte) (*Ack, error) {
	var a Ack
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("decode reply: %w: %v", ErrMalformed, err)
	}
	return &a, nil
}

// Payload decodes the ResultPayload of a final result; nil, nil when the
// reply has no results. Content numbers are json.Number.
func (a *Ack) Payload() (*ResultPayload, error) {
	if len(a.Results) == 0 || string(a.Results) == "null" {
		return nil, nil
	}
	var w struct {
		Version float64         `json:"version"`
		Success bool            `json:"success"`
		Reason  *string         `json:"reason"`
		Content json.RawMessage `json:"content"`
		Inputs  json.RawMessage `json:"inputs"`
		Metrics metricsWire     `json:"metrics"`
	}
	if err := json.Unmarshal(a.Results, &w); err != nil {
		return nil, fmt.Errorf("decode result payload: %w: %v", ErrMalformed, err)
	}
	p := &ResultPayload{
		Version: w.Version,
		Success: w.Success,
		Content: decodeAny(w.Content),
		Metrics: Metrics{
			Version:         w.Metrics.Version,
			Package:         w.Metrics.Package,
			PackageVersion:  w.Metrics.PackageVersion,
			Host:            w.Metrics.Host,
			ExecutionTimeMS: w.Metrics.ExecutionTimeMS,
		},
	}
	if w.Reason != nil {
		p.Reason = *w.Reason
	}
	if in, ok := decodeAny(w.Inputs).(map[string]any); ok {
		p.Inputs = in
	}
	if w.Metrics.Timestamp != "" {
		t, err := time.Parse(MetricsTimeLayout, w.Metrics.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("decode result payload: %w: metrics timestamp %q", ErrMalformed, w.Metrics.Timestamp)
		}
		p.Metrics.Timestamp = t
	}
	return p, nil
}
