package work

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// Observer sees the outcome of every delivery a Workers handled, once,
// after its error was classified: the hook metrics count through.
type Observer interface {
	Handled(Event)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Event)

// Handled calls f.
func (f ObserverFunc) Handled(e Event) { f(e) }

// Event is one handled delivery.
type Event struct {
	Service    string
	Kind       flow.Kind // "" when the envelope could not be decoded
	Org        int64
	Invocation string
	// Delivered counts the deliveries of the message, this one included.
	Delivered int
	// Duration is how long the delivery took.
	Duration time.Duration
	// Decision is the consume loop's ack decision for Err.
	Decision flow.Decision
	// Err is the classified error; nil when the work was answered.
	Err error
}

func (ws *Workers) observe(e Event, meta *jetstream.MsgMetadata, start time.Time) {
	if ws.cfg.Observer == nil {
		return
	}
	e.Delivered = 1
	if meta != nil {
		e.Delivered = int(meta.NumDelivered)
	}
	e.Duration = ws.cfg.Now().Sub(start)
	e.Decision = flow.Decide(e.Err, e.Delivered, ws.cfg.Consumer.Config.MaxDeliver)
	ws.cfg.Observer.Handled(e)
}
