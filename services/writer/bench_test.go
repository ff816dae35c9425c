package writer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// BenchmarkWriterNotes measures notes per second end to end: commands
// published on WRITES, consumed by the writer, begun and applied in the
// Postgres ledger and POSTed to the Resilient simulator.
//
//	go test -run '^$' -bench BenchmarkWriterNotes -benchtime 2000x ./services/writer/
func BenchmarkWriterNotes(b *testing.B) {
	e := setup(b, resilientsim.Config{})
	cfg := e.config()
	cfg.RatePerSecond = 1e6 // measure the writer, not its limiter
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	run := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	cmds := make([][]byte, b.N)
	for i := range cmds {
		data, err := flow.Encode(noteCmd(fmt.Sprintf("%s-%d", run, i), fmt.Sprintf("<p>note %d of %s</p>", i, run)))
		if err != nil {
			b.Fatal(err)
		}
		cmds[i] = data
	}
	e.start(b, cfg)
	subject := flow.WriteSubject(org, incident, flow.WriteNote)

	b.ResetTimer()
	start := time.Now()
	for i, data := range cmds {
		if _, err := e.js.PublishAsync(subject, data, jetstream.WithMsgID(fmt.Sprintf("%s-%d", run, i))); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-e.js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("publishing did not complete")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for len(e.sim.Notes(org, incident)) < b.N {
		if ctx.Err() != nil {
			b.Fatalf("%d of %d notes written within 5m", len(e.sim.Notes(org, incident)), b.N)
		}
		time.Sleep(time.Millisecond) // polling interval
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "notes/s")
	if n := len(e.sim.Notes(org, incident)); n != b.N {
		b.Fatalf("%d notes, want %d", n, b.N)
	}
}
