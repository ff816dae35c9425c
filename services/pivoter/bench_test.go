package pivoter

import (
	"fmt"
	"testing"
	"time"

	irissim "github.com/irisflow/irisflow/sim/iris"
)

// BenchmarkExecuteRoundTrip measures one Execute Pivots call end to end:
// FN publish → pivoter → Iris search (simulator over HTTP, or the stored
// search) → history and cache in PostgreSQL → final reply read back from
// REPLIES.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{
		{"iris", time.Microsecond}, // every search goes to Iris
		{"cached", time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := setup(b, irissim.Config{})
			cfg := e.config()
			cfg.SearchTTL = bc.ttl
			e.start(b, cfg)
			c := cluster(b, e.sim, "ssl_hash", 5, 60)
			inputs := map[string]any{"dt_pivot_type": "ssl_hash", "dt_pivot_value": c.Shared["ssl_hash"]}
			e.call(b, "warm", "domaintools_execute_pivots", 0, inputs)
			payload(b, e.finalReply(b, "warm"))
			before := e.sim.Counters().Searches
			n := 0
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("bench-%d", i)
				e.call(b, id, "domaintools_execute_pivots", 0, inputs)
				payload(b, e.finalReply(b, id))
				n++
			}
			b.ReportMetric(float64(e.sim.Counters().Searches-before)/float64(n), "iris-searches/op")
		})
	}
}
