package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// One profile call through irisflow run's pipeline (the demo's world: the
// simulators, embedded NATS, PostgreSQL) moves the Iris, cache, frame and
// reply counters of /metrics; the same call again is a cache hit and asks
// Iris nothing. The live exposition passes promtool.
func TestPipelineMetricsMove(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := startDemo(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), demoOptions{dbURL: testenv.Postgres(t)})
	t.Cleanup(func() {
		if env != nil {
			env.close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunInBackground(t, "pipeline", env.pipeline.Run)
	testenv.Eventually(t, "the metrics listener", func() bool { return env.pipeline.deps.HTTPAddr() != "" })
	url := "http://" + env.pipeline.deps.HTTPAddr() + "/metrics"
	value := func(exp []byte, series string) float64 { return testenv.MetricValue(t, exp, series) }
	const (
		irisOK   = `irisflow_iris_requests_total{endpoint="iris-investigate",status="200"}`
		miss     = `irisflow_profile_cache_lookups_total{result="miss"}`
		hit      = `irisflow_profile_cache_lookups_total{result="hit"}`
		frames   = `irisflow_stomp_frames_in_total{outcome="published"}`
		finals   = `irisflow_stomp_replies_out_total{type="final"}`
		taken    = `irisflow_iris_quota_tokens_taken_total`
		connects = `irisflow_stomp_connects_total{connection="frames",result="ok"}`
		handled  = `irisflow_messages_total{consumer="enricher",kind="profile",outcome="acked",stream="FN"}`
		duration = `irisflow_handler_duration_seconds_count{kind="profile"}`
	)
	profile := func() {
		t.Helper()
		inv, err := env.soar.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.soar.Await(ctx, inv.CorrelationID); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, "the bridge connected", func() bool { return value(testenv.Scrape(t, url), connects) >= 1 })
	before := testenv.Scrape(t, url)
	profile()
	var after []byte
	// The worker counts its delivery after the final reply is on its way.
	testenv.Eventually(t, "the final reply and the delivery counted", func() bool {
		after = testenv.Scrape(t, url)
		return value(after, finals) > value(before, finals) && value(after, handled) > value(before, handled)
	})
	for _, s := range []string{irisOK, miss, frames, taken, handled, duration} {
		if value(after, s) <= value(before, s) {
			t.Errorf("%s did not move: %v → %v", s, value(before, s), value(after, s))
		}
	}

	profile() // cached now: a hit, no Iris request
	again := testenv.Scrape(t, url)
	if value(again, hit) <= value(after, hit) || value(again, irisOK) != value(after, irisOK) {
		t.Errorf("second call: hits %v → %v, Iris requests %v → %v", value(after, hit), value(again, hit), value(after, irisOK), value(again, irisOK))
	}
	for _, s := range []string{`irisflow_jetstream_consumer_pending{consumer="enricher",stream="FN"}`, `irisflow_build_info{version="dev"}`} {
		if !containsSeries(again, s) {
			t.Errorf("no series %s", s)
		}
	}
	testenv.PromtoolCheck(t, again)
}

func containsSeries(exp []byte, series string) bool {
	return bytes.Contains(exp, []byte("\n"+series+" "))
}
