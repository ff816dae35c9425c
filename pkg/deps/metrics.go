package deps

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/work"
)

// consumerInfoTimeout bounds the JetStream requests of one scrape.
const consumerInfoTimeout = 2 * time.Second

// consumerCollector reports, at each scrape, the backlog of irisflow's
// durable consumers as JetStream counts it: messages not yet delivered
// (pending), delivered and not acknowledged (ack pending) and redelivered.
// A consumer that does not exist (its service never ran) is left out.
type consumerCollector struct {
	js                               jetstream.JetStream
	consumers                        []flow.Consumer
	pending, ackPending, redelivered *prometheus.Desc
}

func newConsumerCollector(js jetstream.JetStream) *consumerCollector {
	l := []string{"stream", "consumer"}
	return &consumerCollector{
		js:        js,
		consumers: []flow.Consumer{flow.EnricherConsumer, flow.PivoterConsumer, flow.WriterConsumer, flow.BridgeConsumer},
		pending: prometheus.NewDesc("irisflow_jetstream_consumer_pending",
			"Messages of the consumer's stream not yet delivered to it.", l, nil),
		ackPending: prometheus.NewDesc("irisflow_jetstream_consumer_ack_pending",
			"Messages delivered to the consumer and not yet acknowledged.", l, nil),
		redelivered: prometheus.NewDesc("irisflow_jetstream_consumer_redelivered",
			"Messages delivered to the consumer more than once and not yet acknowledged.", l, nil),
	}
}

func (c *consumerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.ackPending
	ch <- c.redelivered
}

func (c *consumerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), consumerInfoTimeout)
	defer cancel()
	for _, cons := range c.consumers {
		name := cons.Config.Durable
		con, err := c.js.Consumer(ctx, cons.Stream, name)
		if err != nil {
			if !errors.Is(err, jetstream.ErrConsumerNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) {
				ch <- prometheus.NewInvalidMetric(c.pending, err)
			}
			continue
		}
		info := con.CachedInfo() // fetched by Consumer just now
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(info.NumPending), cons.Stream, name)
		ch <- prometheus.MustNewConstMetric(c.ackPending, prometheus.GaugeValue, float64(info.NumAckPending), cons.Stream, name)
		ch <- prometheus.MustNewConstMetric(c.redelivered, prometheus.GaugeValue, float64(info.NumRedelivered), cons.Stream, name)
	}
}

// WorkObserver is the function workers' Observer (pkg/work) of consumer
// (flow.EnricherConsumer, flow.PivoterConsumer): every handled delivery
// counted in Metrics by kind and ack outcome, with its duration.
func (d *Deps) WorkObserver(consumer flow.Consumer) work.Observer {
	return work.ObserverFunc(func(e work.Event) {
		d.Metrics.Handled(consumer.Stream, consumer.Config.Durable, string(e.Kind), e.Decision.Action.String(), e.Duration)
	})
}
