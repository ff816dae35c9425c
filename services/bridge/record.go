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
//   - before a bridge SENDs the final reply of an invocation it claims the
//     record (Claim: which bridge, which reply, until when), with a
//     compare-and-set on the record's revision: a second bridge holding a
//     copy of the same reply (a handler that ran twice, or REPLIES
//     delivering again after a nats-server crash, which loses the
//     consumer's last moments and the dedup ids of a work-queue stream's
//     consumed messages) finds the claim and waits for it instead of
//     sending too. A claim whose bridge died lapses after its lease; the
//     next bridge then sends (the one case where SOAR may get the final
//     twice: the dead bridge may have sent it before it died);
//   - when the broker has receipted the final reply, the reply is stored in
//     the record and the claim cleared: the first final stays, for good;
//   - a final reply whose record already holds it is not sent again; a
//     different final is dead-lettered (ErrLaterFinal);
//   - a status reply whose record holds a final, or a claim to send one, is
//     not sent: it would reach SOAR after the final;
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
	Claim     *FinalClaim `json:"claim,omitempty"`
}

// FinalClaim is a bridge's claim to send an invocation's final reply: the
// reply, the bridge process and the handling of the reply in it (bridge.id
// plus a random part) and the end of its lease, by the
// claimant's clock. The lease is renewed before every SEND attempt.
type FinalClaim struct {
	ReplyID string    `json:"reply_id"`
	Bridge  string    `json:"bridge"`
	Until   time.Time `json:"until"`
}

// heldByOther reports whether a holder other than self (another bridge, or
// another handling of the reply in this one) holds c at now.
func (c *FinalClaim) heldByOther(self string, now time.Time) bool {
	return c != nil && c.Bridge != self && now.Before(c.Until)
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

// finalClaim is the outcome of claimFinal.
type finalClaim struct {
	sent bool   // the record holds this final already: do not send it
	rev  uint64 // the record's revision holding the claim
	rec  *FrameRecord
	// lapsed is another bridge's claim this one replaced after its lease
	// ended: that bridge may have sent the reply before it died.
	lapsed *FinalClaim
}

// claimedError is claimFinal's answer while another bridge holds the claim.
type claimedError struct{ claim FinalClaim }

func (e *claimedError) Error() string {
	return fmt.Sprintf("bridge %s is sending final reply %s (claim until %s)", e.claim.Bridge, e.claim.ReplyID, e.claim.Until.Format(time.RFC3339Nano))
}

// claimFinal claims the invocation's record for sending reply (a final), as
// bridge self, for lease: a compare-and-set, so that of two bridges holding
// the same reply one claims and the other gets a *claimedError until the
// claim is stored as sent (then sent: true) or its lease lapsed. A record
// that already holds another final gives ErrLaterFinal. Claiming again a
// claim self holds renews it.
func (r frameRecords) claimFinal(ctx context.Context, reply *flow.Reply, self string, lease time.Duration) (finalClaim, error) {
	key := FrameKey(reply.InvocationID)
	for range 5 {
		rec, rev, err := r.get(ctx, reply.InvocationID)
		if err != nil {
			return finalClaim{}, err
		}
		if rec == nil {
			rec = &FrameRecord{MessageID: reply.InvocationID, State: StatePublished, At: time.Now().UTC()}
		}
		if rec.Final != nil {
			if rec.Final.ID == reply.ID {
				return finalClaim{sent: true, rec: rec}, nil
			}
			return finalClaim{}, fmt.Errorf("%w: %s was sent at %s; the later final %s is not sent",
				ErrLaterFinal, rec.Final.ID, rec.FinalAt.Format(time.RFC3339), reply.ID)
		}
		now := time.Now()
		if rec.Claim.heldByOther(self, now) {
			return finalClaim{}, &claimedError{*rec.Claim}
		}
		var lapsed *FinalClaim
		if c := rec.Claim; c != nil && c.Bridge != self {
			lapsed = c
		}
		rec.Claim = &FinalClaim{ReplyID: reply.ID, Bridge: self, Until: now.Add(lease).UTC()}
		b, _ := json.Marshal(rec)
		if rev == 0 {
			rev, err = r.kv.Create(ctx, key, b)
		} else {
			rev, err = r.kv.Update(ctx, key, b, rev)
		}
		if err == nil {
			return finalClaim{rev: rev, rec: rec, lapsed: lapsed}, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !isWrongSequence(err) {
			return finalClaim{}, fmt.Errorf("claim final reply %s: %w", reply.ID, err)
		}
		// Another bridge wrote the record meanwhile: read it again.
	}
	return finalClaim{}, fmt.Errorf("claim final reply %s: too many concurrent updates", reply.ID)
}

// storeFinal records the final reply as sent in the invocation's record
// and clears the claim. c is the claim taken before the SEND. The first
// final stays: a record that holds another final by now (a second bridge
// sent one after this one's lease lapsed) is kept, and ErrLaterFinal
// returned.
func (r frameRecords) storeFinal(ctx context.Context, reply *flow.Reply, c finalClaim) error {
	key := FrameKey(reply.InvocationID)
	rec, rev := c.rec, c.rev
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
		rec.Final, rec.FinalAt, rec.Claim = reply, time.Now().UTC(), nil
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
