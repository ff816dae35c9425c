package main

import (
	"context"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// BenchmarkLiveBurst300 is a burst of 300 cold "Profile Domain with Iris"
// invocations sent through STOMP while the whole pipeline runs (bridge →
// FN → enricher → REPLIES → bridge → SOAR), until every final reply is
// back. Besides time per burst it reports the Iris requests the burst took
// (3 is the floor: 100 domains per call). Each op uses 300 domains never
// asked before.
//
//	go test -run '^$' -bench LiveBurst300 -benchtime 10x ./cmd/irisflow/
func BenchmarkLiveBurst300(b *testing.B) {
	const burst = 300
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	env, err := startDemo(ctx, testenv.QuietLogger(), demoOptions{dbURL: testenv.Postgres(b), noAutoPivot: true})
	if env != nil {
		defer env.close()
	}
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- env.pipeline.Run(runCtx) }()
	defer func() { stop(); <-done }()

	domains := env.iris.Domains()
	var requests, worst int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if (i+1)*burst > len(domains) {
			b.Fatalf("the simulator's universe has %d domains: at most %d ops", len(domains), len(domains)/burst)
		}
		before := env.iris.Counters().Requests
		cids := make([]string, 0, burst)
		for _, d := range domains[i*burst : (i+1)*burst] {
			inv, err := env.soar.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": d})
			if err != nil {
				b.Fatal(err)
			}
			cids = append(cids, inv.CorrelationID)
		}
		for _, cid := range cids {
			final, err := env.soar.Await(ctx, cid)
			if err != nil {
				b.Fatal(err)
			}
			if final.MessageType != resilient.MessageInfo {
				b.Fatalf("error reply for %s: %s", cid, final.Message)
			}
		}
		n := env.iris.Counters().Requests - before
		requests += n
		worst = max(worst, n)
	}
	b.ReportMetric(float64(requests)/float64(b.N), "iris-requests/op")
	b.ReportMetric(float64(worst), "iris-requests-worst")
}
