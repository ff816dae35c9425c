package flow

import (
	"context"
	"fmt"
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

// EnsureStreams creates or updates every irisflow stream. It is idempotent
// and safe to call from every replica at start.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, o StreamOptions) error {
	for _, cfg := range StreamConfigs(o) {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("ensure stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}
