package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Publisher publishes envelopes with their ids as Nats-Msg-Id, so that a
// message published twice (a retry, a redelivered parent) lands once.
type Publisher struct {
	JS jetstream.JetStream
}

// Invocation publishes FN work on fn.<org>.<kind>.
func (p Publisher) Invocation(ctx context.Context, m *Invocation) error {
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = time.Now().UTC()
	}
	if err := m.Validate(); m.Version != 0 && err != nil {
		return err
	}
	return p.publish(ctx, FNSubject(m.Org, m.Kind), m.ID, m)
}

// Reply publishes a reply on reply.<org>.<destination>.
func (p Publisher) Reply(ctx context.Context, m *Reply) error {
	if m.ID == "" {
		m.ID = ReplyID(m.InvocationID, m.Seq)
	}
	return p.publish(ctx, ReplySubject(m.Org, m.Destination), m.ID, m)
}

// Write publishes a write command on write.<org>.<incident>.<kind>.
func (p Publisher) Write(ctx context.Context, m *WriteCommand) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	return p.publish(ctx, WriteSubject(m.Org, m.IncidentID, m.Kind), m.ID, m)
}

// DeadLetter publishes a dead-letter record on dlq.<source>.
func (p Publisher) DeadLetter(ctx context.Context, m *DeadLetter) error {
	if m.At.IsZero() {
		m.At = time.Now().UTC()
	}
	subject, id := DLQSubject(m.Source), "dlq:"+m.Source+":"+m.ID
	err := p.publish(ctx, subject, id, m)
	if TooLarge(err) { // written truncated rather than never: see Fit
		m.Fit(p.MaxPayload())
		if err = p.publish(ctx, subject, id, m); err != nil {
			return fmt.Errorf("dead letter truncated to fit: %w", err)
		}
	}
	return err
}

func (p Publisher) publish(ctx context.Context, subject, id string, v any) error {
	data, err := Encode(v)
	if err != nil {
		return err
	}
	if _, err := p.JS.Publish(ctx, subject, data, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("publish %s (%s): %w", subject, id, err)
	}
	return nil
}
