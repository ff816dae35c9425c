package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version is the envelope version written by this build. Decoders accept
// versions 1..Version and reject newer ones, so a rolling upgrade never
// misreads a message written by a newer replica.
const Version = 1

// Payload names of Resilient messages (the Co3MessagePayload header), plus
// PayloadInternal for work that irisflow hands to itself.
const (
	PayloadFunction = "FunctionDataDTO"
	PayloadAction   = "ActionDataDTO"
	PayloadInternal = "irisflow"
)

// ErrBadEnvelope is returned (wrapped) for a message that is not a valid envelope.
var ErrBadEnvelope = errors.New("bad envelope")

// Route says where the replies of an invocation go: the STOMP reply-to
// destination and correlation-id, under the org and message destination
// the invocation came from.
type Route struct {
	Org           int64  `json:"org"`
	Destination   string `json:"destination"`
	ReplyTo       string `json:"reply_to,omitempty"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// CanReply reports whether a reply can be sent on this route.
func (r Route) CanReply() bool { return r.ReplyTo != "" }

// Invocation is one unit of FN work: a Resilient function call, an artifact
// event (rule action), or internal follow-up work (auto-pivot).
type Invocation struct {
	Version int `json:"version"`
	// ID is stable across redeliveries: the STOMP message-id for work from
	// Resilient, or ParentID + "/" + step for internal work. It is the
	// Nats-Msg-Id of the message.
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Kind     Kind   `json:"kind"`
	Route
	// Function is the function API name (FunctionDataDTO), empty for actions.
	Function string `json:"function,omitempty"`
	// Payload is the Co3MessagePayload header, or PayloadInternal.
	Payload string `json:"payload"`
	// ContextToken is Resilient's Co3ContextToken, echoed on REST calls. Never log it.
	ContextToken string `json:"context_token,omitempty"`
	// IncidentID and ArtifactID are known for actions and internal work, and
	// for functions whose inputs carry incident_id / artifact_id.
	IncidentID int64 `json:"incident_id,omitempty"`
	ArtifactID int64 `json:"artifact_id,omitempty"`
	// Depth is the pivot depth of the artifact this work started from:
	// 0 for artifacts analysts made, n+1 for artifacts irisflow created from a
	// pivot at depth n.
	Depth int `json:"depth,omitempty"`
	// Body is the original Resilient JSON body, or an internal payload
	// (AutoPivot) for PayloadInternal.
	Body       json.RawMessage `json:"body"`
	ReceivedAt time.Time       `json:"received_at"`
}

// AutoPivot is the body of internal pivots.auto work.
type AutoPivot struct {
	Domain     string   `json:"domain"`
	IncidentID int64    `json:"incident_id"`
	ArtifactID int64    `json:"artifact_id,omitempty"`
	Depth      int      `json:"depth"`
	Types      []string `json:"types,omitempty"`     // pivot types; empty = configured default
	Threshold  int      `json:"threshold,omitempty"` // guided-pivot count threshold; 0 = configured default
	// Reply is the route of the invocation that started the auto-pivot:
	// where a write of it that fails for good is reported (the work has no
	// reply-to of its own). Nil when nobody waits.
	Reply *Route `json:"reply,omitempty"`
}

// Reply is one message for Resilient on an invocation's route: a status
// message or the final result/error. Message is the ActionAcknowledgementDTO
// JSON exactly as it goes on the wire (built by pkg/resilient).
type Reply struct {
	Version      int    `json:"version"`
	ID           string `json:"id"` // InvocationID + "#" + Seq: the Nats-Msg-Id
	InvocationID string `json:"invocation_id"`
	Seq          int    `json:"seq"`
	Final        bool   `json:"final"`
	Route
	Message json.RawMessage `json:"message"`
}

// ReplyID is the id of reply seq of an invocation.
func ReplyID(invocationID string, seq int) string { return fmt.Sprintf("%s#%d", invocationID, seq) }

// Note is a Resilient incident note.
type Note struct {
	Format  string `json:"format"` // "text" or "html"
	Content string `json:"content"`
}

// Row is a Resilient data-table row.
type Row struct {
	Table string         `json:"table"` // table API name, e.g. domaintools_results
	Cells map[string]any `json:"cells"` // column API name -> value
}

// Artifact is a Resilient incident artifact to create.
type Artifact struct {
	Type        int    `json:"type"` // 2 = DNS Name
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// WriteCommand asks the writer to create one object in Resilient.
type WriteCommand struct {
	Version int `json:"version"`
	// ID is deterministic (parent invocation id + what is written), so a
	// redelivered or repeated command is recognised by the stream and by the
	// writer's ledger.
	ID           string    `json:"id"`
	InvocationID string    `json:"invocation_id"`
	Org          int64     `json:"org"`
	IncidentID   int64     `json:"incident_id"`
	Kind         WriteKind `json:"kind"`
	Note         *Note     `json:"note,omitempty"`
	Row          *Row      `json:"row,omitempty"`
	Artifact     *Artifact `json:"artifact,omitempty"`
	// Reply, when set, is where an error goes if the write fails for good.
	Reply *Route `json:"reply,omitempty"`
	// Final, when set, is the invocation's final reply, held until every
	// write of the invocation has landed or failed for good; it goes to Reply.
	Final        *Final    `json:"final,omitempty"`
	ContextToken string    `json:"context_token,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// Final is an invocation's final reply held by its write commands, so that
// an answer with writes is final only once they have landed: the writer
// that settles the last of Writes (applied or failed for good) sends
// Message, or, when one of them failed for good, an error reply naming the
// failure instead — once: every command carries the same Final, and the
// reply's id is the invocation's final reply id.
type Final struct {
	// Seq is the final reply's sequence number.
	Seq int `json:"seq"`
	// Message is the ActionAcknowledgementDTO to send when every write landed.
	Message json.RawMessage `json:"message"`
	// Writes are the ids of every write command of the invocation.
	Writes []string `json:"writes"`
}

// DeadLetter records a message that irisflow gave up on, with the reason.
type DeadLetter struct {
	Version   int               `json:"version"`
	ID        string            `json:"id"`     // the original message id
	Source    string            `json:"source"` // stream name, or "STOMP"
	Subject   string            `json:"subject,omitempty"`
	Service   string            `json:"service"`
	Reason    string            `json:"reason"`
	Delivered int               `json:"delivered,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Data      []byte            `json:"data"`
	// TruncatedFrom is Data's original size when the record was cut to
	// fit NATS's max payload (DeadLetter.Fit); 0 when it is whole.
	TruncatedFrom int       `json:"truncated_from,omitempty"`
	At            time.Time `json:"at"`
}

// Validate checks the fields every consumer relies on.
func (m *Invocation) Validate() error {
	switch {
	case m.Version < 1 || m.Version > Version:
		return fmt.Errorf("%w: version %d not supported", ErrBadEnvelope, m.Version)
	case m.ID == "":
		return fmt.Errorf("%w: invocation without id", ErrBadEnvelope)
	case !m.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrBadEnvelope, m.Kind)
	case m.Org == 0:
		return fmt.Errorf("%w: invocation %s without org", ErrBadEnvelope, m.ID)
	}
	return nil
}

// Validate checks the fields the bridge relies on.
func (m *Reply) Validate() error {
	switch {
	case m.Version < 1 || m.Version > Version:
		return fmt.Errorf("%w: version %d not supported", ErrBadEnvelope, m.Version)
	case m.ID == "" || m.InvocationID == "":
		return fmt.Errorf("%w: reply without id", ErrBadEnvelope)
	case m.ReplyTo == "":
		return fmt.Errorf("%w: reply %s without reply-to", ErrBadEnvelope, m.ID)
	case len(m.Message) == 0 || m.Message[0] != '{' || !json.Valid(m.Message):
		return fmt.Errorf("%w: reply %s without a JSON object message", ErrBadEnvelope, m.ID)
	}
	return nil
}

// Validate checks that the command names exactly one well-formed object.
func (m *WriteCommand) Validate() error {
	if m.Version < 1 || m.Version > Version {
		return fmt.Errorf("%w: version %d not supported", ErrBadEnvelope, m.Version)
	}
	if m.ID == "" || m.Org == 0 || m.IncidentID == 0 {
		return fmt.Errorf("%w: write command needs id, org and incident", ErrBadEnvelope)
	}
	switch m.Kind {
	case WriteNote:
		if m.Note == nil || m.Note.Content == "" {
			return fmt.Errorf("%w: note command %s without content", ErrBadEnvelope, m.ID)
		}
	case WriteRow:
		if m.Row == nil || m.Row.Table == "" || len(m.Row.Cells) == 0 {
			return fmt.Errorf("%w: row command %s without table or cells", ErrBadEnvelope, m.ID)
		}
	case WriteArtifact:
		if m.Artifact == nil || m.Artifact.Value == "" || m.Artifact.Type == 0 {
			return fmt.Errorf("%w: artifact command %s without type or value", ErrBadEnvelope, m.ID)
		}
	default:
		return fmt.Errorf("%w: unknown write kind %q", ErrBadEnvelope, m.Kind)
	}
	return nil
}

// validator is implemented by every envelope.
type validator interface{ Validate() error }

// Decode unmarshals data into v and validates it. Unknown fields are
// ignored (a newer minor writer may add some); a missing or newer version fails.
func Decode[T any, PT interface {
	*T
	validator
}](data []byte) (*T, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadEnvelope, err)
	}
	if err := PT(&v).Validate(); err != nil {
		return nil, err
	}
	return &v, nil
}

// Encode marshals an envelope after stamping the current version when unset.
func Encode(v any) ([]byte, error) {
	switch m := v.(type) {
	case *Invocation:
		stamp(&m.Version)
	case *Reply:
		stamp(&m.Version)
	case *WriteCommand:
		stamp(&m.Version)
	case *DeadLetter:
		stamp(&m.Version)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	return b, nil
}

func stamp(v *int) {
	if *v == 0 {
		*v = Version
	}
}
