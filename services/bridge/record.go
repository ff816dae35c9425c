package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// FrameBucket is the JetStream KV bucket holding the bridge's frame records.
const FrameBucket = "BRIDGE_FRAMES"

// Frame states.
const (
	StatePublished = "published" // the invocation is in FN
	StateRejected  = "rejected"  // dead-lettered, error reply sent
)

// FrameRecord is the durable memory of one STOMP frame, keyed by a hash of
// its message-id (FrameKey) in the BRIDGE_FRAMES bucket.
//
// The stream's dedup window catches a redelivered frame for a short while
// only. The record closes the gap for as long as its TTL (default 7 days):
//   - it is created ("published") right after JetStream's PubAck of the
//     invocation, before the STOMP ACK (or "rejected" once a bad frame was
//     dead-lettered);
//   - when the broker has receipted the final reply of an invocation, the
//     reply is stored in the record: the first one stays, for good;
//   - a final reply whose record already holds it is not sent again (a
//     handler that ran twice, or a reply re-published after a nats-server
//     restart, which forgets the dedup ids of a work-queue stream's consumed
//     messages); a different final is dead-lettered (ErrLaterFinal);
//   - a frame whose record exists is a redelivery: it is ACKed without being
//     published again, and without sending its final reply again (the
//     broker receipted it, so Resilient's queue holds it).
//
// A crash between PubAck and record leaves no record; the redelivery is then
// published again and the stream's dedup window drops the copy.
type FrameRecord struct {
	MessageID string      `json:"message_id"`
	State     string      `json:"state"`
	At        time.Time   `json:"at"`
	Final     *flow.Reply `json:"final,omitempty"`
	FinalAt   time.Time   `json:"final_at,omitzero"`
}

// FrameKey is the KV key of a message-id: hex SHA-256 (message-ids hold
// characters KV keys may not).
func FrameKey(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return hex.EncodeToString(sum[:16])
}

// frameRecords wraps the bucket.
type frameRecords struct{ kv jetstream.KeyValue }

func ensureFrameRecords(ctx context.Context, js jetstream.JetStream, ttl time.Duration, replicas int) (frameRecords, error) {
	if replicas <= 0 {
		replicas = 1
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      FrameBucket,
		Description: "irisflow bridge: STOMP frames already handed to JetStream, with their final replies",
		TTL:         ttl,
		Storage:     jetstream.FileStorage,
		Replicas:    replicas,
	})
	if err != nil {
		return frameRecords{}, fmt.Errorf("ensure kv %s: %w", FrameBucket, err)
	}
	return frameRecords{kv}, nil
}

// get returns the record, or nil when there is none.
func (r frameRecords) get(ctx context.Context, messageID string) (*FrameRecord, uint64, error) {
	e, err := r.kv.Get(ctx, FrameKey(messageID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("frame record %s: %w", messageID, err)
	}
	var rec FrameRecord
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return nil, 0, fmt.Errorf("frame record %s: %w", messageID, err)
	}
	return &rec, e.Revision(), nil
}

// create stores a new record; a record that already exists (a final reply
// may have been stored first) is kept.
func (r frameRecords) create(ctx context.Context, messageID, state string) error {
	b, _ := json.Marshal(FrameRecord{MessageID: messageID, State: state, At: time.Now().UTC()})
	_, err := r.kv.Create(ctx, FrameKey(messageID), b)
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("create frame record %s: %w", messageID, err)
	}
	return nil
}

// storeFinal records the final reply as sent in the invocation's record.
// rec and rev are the record as read before the SEND (nil, 0: there was
// none). The first final stays: a record that holds another final by now (a
// second bridge sent one meanwhile) is kept, and ErrLaterFinal returned.
func (r frameRecords) storeFinal(ctx context.Context, reply *flow.Reply, rec *FrameRecord, rev uint64) error {
	key := FrameKey(reply.InvocationID)
	for try := range 5 {
		if try > 0 { // someone else wrote the record meanwhile
			var err error
			if rec, rev, err = r.get(ctx, reply.InvocationID); err != nil {
				return err
			}
		}
		if rec == nil {
			rec, rev = &FrameRecord{MessageID: reply.InvocationID, State: StatePublished, At: time.Now().UTC()}, 0
		}
		if rec.Final != nil {
			if rec.Final.ID == reply.ID {
				return nil
			}
			return fmt.Errorf("%w: %s, kept; %s was also sent", ErrLaterFinal, rec.Final.ID, reply.ID)
		}
		rec.Final, rec.FinalAt = reply, time.Now().UTC()
		b, _ := json.Marshal(rec)
		var err error
		if rev == 0 {
			_, err = r.kv.Create(ctx, key, b)
		} else {
			_, err = r.kv.Update(ctx, key, b, rev)
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !isWrongSequence(err) {
			return fmt.Errorf("store final reply %s: %w", reply.ID, err)
		}
	}
	return fmt.Errorf("store final reply %s: too many concurrent updates", reply.ID)
}

func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}
