package enricher

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// BenchmarkProfileCold100 measures a burst of 100 profile functions for
// 100 different domains that all miss the cache (forced refresh), end to
// end: FN stream → enricher → Iris simulator → Postgres → REPLIES.
func BenchmarkProfileCold100(b *testing.B) {
	h := setup(b, func(o *options) { o.sim = irissim.Config{Universe: 200, Seed: 3} })
	replies := h.collect(flow.StreamReplies, "reply.>", "bench-replies")
	domains := h.sim.Domains()[:100]
	b.ResetTimer()
	for range b.N {
		invs := make([]*flow.Invocation, len(domains))
		for i, d := range domains {
			invs[i] = h.function(flow.KindProfile, map[string]any{"dt_domain_name": d, "dt_force_refresh": true})
		}
		h.publish(invs...)
		check(b, h.finals(replies, len(invs)))
	}
	b.StopTimer()
	c := h.sim.Counters()
	b.ReportMetric(float64(c.Requests)/float64(b.N), "iris-requests/op")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(domains)), "µs/domain")
}

// BenchmarkProfileWarm measures profile functions answered from the cache,
// end to end, with b.N invocations in flight together.
func BenchmarkProfileWarm(b *testing.B) {
	h := setup(b)
	replies := h.collect(flow.StreamReplies, "reply.>", "bench-replies")
	prime := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	h.publish(prime)
	check(b, h.finals(replies, 1))
	before := h.sim.Counters().Requests
	b.ResetTimer()
	invs := make([]*flow.Invocation, b.N)
	for i := range invs {
		invs[i] = h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	}
	h.publish(invs...)
	check(b, h.finals(replies, len(invs)))
	b.StopTimer()
	if n := h.sim.Counters().Requests - before; n != 0 {
		b.Fatalf("%d Iris requests for warm lookups", n)
	}
}

func check(b *testing.B, finals map[string]*resilient.Ack) {
	b.Helper()
	for id, a := range finals {
		if a.MessageType != resilient.MessageInfo {
			b.Fatalf("%s: %s", id, a.Message)
		}
	}
}
