package resilient

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// STOMP header names SOAR puts on an inbound message.
const (
	HeaderReplyTo       = "reply-to"
	HeaderCorrelationID = "correlation-id"
	HeaderPayload       = "Co3MessagePayload"
	HeaderContextToken  = "Co3ContextToken"
	HeaderContentType   = "Co3ContentType"
	HeaderRemoteAddr    = "Co3RemoteAddr"
	HeaderMessageID     = "message-id"
	HeaderAck           = "ack"
	HeaderDestination   = "destination"
	HeaderSubscription  = "subscription"
	HeaderTimestamp     = "timestamp"
	HeaderUserID        = "JMSXUserID"
)

// Payload names carried by the Co3MessagePayload header.
const (
	PayloadFunction = "FunctionDataDTO"
	PayloadAction   = "ActionDataDTO"
)

// ErrBadDestination is returned (wrapped) when a destination is not of the
// form [/queue/]actions.<org>.<name>.
var ErrBadDestination = errors.New("resilient: bad destination")

// Headers are the STOMP headers of an inbound SOAR message.
type Headers struct {
	ReplyTo       string // reply-to: where replies are SENT (/queue/acks.<org>.<name>)
	CorrelationID string // correlation-id: copied onto every reply
	Payload       string // Co3MessagePayload: FunctionDataDTO, ActionDataDTO, ...
	// ContextToken is Co3ContextToken, echoed on REST calls as
	// X-Co3ContextToken. It is a credential: never log it.
	ContextToken string
	ContentType  string    // Co3ContentType
	RemoteAddr   string    // Co3RemoteAddr
	MessageID    string    // message-id: stable across redeliveries
	Ack          string    // ack: the id to ACK this delivery with (STOMP 1.2)
	Destination  string    // destination: /queue/actions.<org>.<name>
	Subscription string    // subscription: actions.<org>.<name>
	UserID       string    // JMSXUserID
	Timestamp    time.Time // timestamp (epoch ms), zero when absent
	// All holds every header as received.
	All map[string]string
}

// ParseHeaders reads the SOAR headers out of a STOMP header map. Missing
// headers are left empty; it never fails.
func ParseHeaders(h map[string]string) Headers {
	out := Headers{
		ReplyTo:       h[HeaderReplyTo],
		CorrelationID: h[HeaderCorrelationID],
		Payload:       h[HeaderPayload],
		ContextToken:  h[HeaderContextToken],
		ContentType:   h[HeaderContentType],
		RemoteAddr:    h[HeaderRemoteAddr],
		MessageID:     h[HeaderMessageID],
		Ack:           h[HeaderAck],
		Destination:   h[HeaderDestination],
		Subscription:  h[HeaderSubscription],
		UserID:        h[HeaderUserID],
		All:           h,
	}
	if ms, err := strconv.ParseInt(h[HeaderTimestamp], 10, 64); err == nil && ms > 0 {
		out.Timestamp = time.UnixMilli(ms).UTC()
	}
	return out
}

// String describes the headers without the context token.
func (h Headers) String() string {
	return fmt.Sprintf("message %s payload %s destination %s correlation %s", h.MessageID, h.Payload, h.Destination, h.CorrelationID)
}

// Org is the org id of the destination the message came from (falling back
// to the subscription).
func (h Headers) Org() (int64, error) {
	org, _, err := h.route()
	return org, err
}

// DestinationName is the message destination's API name (the <name> of
// actions.<org>.<name>), or "" when the destination is malformed.
func (h Headers) DestinationName() string {
	_, name, err := h.route()
	if err != nil {
		return ""
	}
	return name
}

func (h Headers) route() (int64, string, error) {
	d := h.Destination
	if d == "" {
		d = h.Subscription
	}
	return ParseDestination(d)
}

// ParseDestination splits "[/queue/]<kind>.<org>.<name>" (kind actions,
// acks, inbound_destinations or connectors) into org and name.
func ParseDestination(d string) (org int64, name string, err error) {
	s := strings.TrimPrefix(d, "/queue/")
	kind, rest, ok := strings.Cut(s, ".")
	if !ok {
		return 0, "", fmt.Errorf("%w: %q", ErrBadDestination, d)
	}
	switch kind {
	case "actions", "acks", "inbound_destinations", "connectors":
	default:
		return 0, "", fmt.Errorf("%w: %q: unknown kind %q", ErrBadDestination, d, kind)
	}
	orgStr, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" {
		return 0, "", fmt.Errorf("%w: %q: no name", ErrBadDestination, d)
	}
	org, err = strconv.ParseInt(orgStr, 10, 64)
	if err != nil || org <= 0 {
		return 0, "", fmt.Errorf("%w: %q: bad org %q", ErrBadDestination, d, orgStr)
	}
	return org, name, nil
}

// ActionsDestination is the destination SOAR sends messages of name to
// (and that resilient-circuits subscribes to): actions.<org>.<name>.
func ActionsDestination(org int64, name string) string {
	return fmt.Sprintf("actions.%d.%s", org, name)
}

// AcksDestination is the reply-to queue for destination name: /queue/acks.<org>.<name>.
func AcksDestination(org int64, name string) string {
	return fmt.Sprintf("/queue/acks.%d.%s", org, name)
}
