package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// StreamOptions tune the streams for a deployment.
type StreamOptions struct {
	// Replicas of each stream. Default 1; use 3 on a JetStream cluster.
	Replicas int
	// DedupWindow is how long the streams remember a Nats-Msg-Id. Default 2m.
	// Redeliveries older than this are caught by the services' own durable
	// records (bridge frame record, writer ledger).
	DedupWindow time.Duration
	// DLQMaxAge is how long dead letters are kept. Default 14 days.
	DLQMaxAge time.Duration
}

func (o StreamOptions) withDefaults() StreamOptions {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.DedupWindow <= 0 {
		o.DedupWindow = 2 * time.Minute
	}
	if o.DLQMaxAge <= 0 {
		o.DLQMaxAge = 14 * 24 * time.Hour
	}
	return o
}

// StreamConfigs returns the configuration of every irisflow stream.
func StreamConfigs(o StreamOptions) []jetstream.StreamConfig {
	o = o.withDefaults()
	work := func(name, desc string, subjects ...string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        name,
			Description: desc,
			Subjects:    subjects,
			Retention:   jetstream.WorkQueuePolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			Duplicates:  o.DedupWindow,
		}
	}
	return []jetstream.StreamConfig{
		work(StreamFN, "irisflow function and playbook work", "fn.>"),
		work(StreamWrites, "irisflow write commands for Resilient REST", "write.>"),
		work(StreamReplies, "irisflow replies for Resilient (STOMP)", "reply.>"),
		{
			Name:        StreamDLQ,
			Description: "irisflow dead letters, with the reason",
			Subjects:    []string{"dlq.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			Duplicates:  o.DedupWindow,
			MaxAge:      o.DLQMaxAge,
		},
	}
}

// EnsureStreams creates every irisflow stream that is missing and updates
// one whose settings differ. It is idempotent and safe to call from every
// replica at start. A stream already as configured is left alone: a no-op
// update is not free on the server (and races its consumer creation there).
func EnsureStreams(ctx context.Context, js jetstream.JetStream, o StreamOptions) error {
	for _, cfg := range StreamConfigs(o) {
		st, err := js.Stream(ctx, cfg.Name)
		switch {
		case errors.Is(err, jetstream.ErrStreamNotFound):
			if _, err := js.CreateStream(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return fmt.Errorf("create stream %s: %w", cfg.Name, err)
			}
		case err != nil:
			return fmt.Errorf("look up stream %s: %w", cfg.Name, err)
		case !sameStream(st.CachedInfo().Config, cfg):
			if _, err := js.UpdateStream(ctx, cfg); err != nil {
				return fmt.Errorf("update stream %s: %w", cfg.Name, err)
			}
		}
	}
	return nil
}

// sameStream compares the settings irisflow chooses (the server fills in
// the others).
func sameStream(have, want jetstream.StreamConfig) bool {
	return slices.Equal(have.Subjects, want.Subjects) && have.Description == want.Description &&
		have.Retention == want.Retention && have.Storage == want.Storage && have.Replicas == want.Replicas &&
		have.Duplicates == want.Duplicates && have.MaxAge == want.MaxAge
}
