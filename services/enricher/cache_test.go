package enricher

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func TestCacheTTLAndForcedRefresh(t *testing.T) {
	t.Parallel()
	h := setup(t)
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	profile := func(inputs map[string]any) map[string]any {
		t.Helper()
		inv := h.function(flow.KindProfile, inputs)
		h.publish(inv)
		a := h.finals(replies, 1)[inv.ID]
		if a.MessageType != resilient.MessageInfo {
			t.Fatalf("profile failed: %s", a.Message)
		}
		return content(t, a)
	}
	const d = "int-suntrust.com"
	ageBy := func(d string) func(t *testing.T) {
		return func(t *testing.T) {
			// Age every stored fetch (the database clock decides).
			if _, err := h.store.Pool().Exec(context.Background(),
				`UPDATE iris_profiles SET fetched_at = fetched_at - $1::interval`, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name         string
		inputs       map[string]any
		age          func(t *testing.T) // run before the step
		wantRequests int64
		wantCached   bool
		wantAge      float64 // cache_age_seconds at least this, and less than a minute more
	}{
		{"cold", map[string]any{"dt_domain_name": d}, nil, 1, false, 0},
		{"warm within TTL", map[string]any{"dt_domain_name": "INT-SUNTRUST.COM."}, nil, 1, true, 0},
		{"forced refresh", map[string]any{"dt_domain_name": d, "dt_force_refresh": true}, nil, 2, false, 0},
		{"warm again", map[string]any{"dt_domain_name": d}, nil, 2, true, 0},
		{"warm, 2h old", map[string]any{"dt_domain_name": d}, ageBy("2 hours"), 2, true, 7200},
		{"after TTL", map[string]any{"dt_domain_name": d}, ageBy("23 hours"), 3, false, 0},
	}
	for _, st := range steps {
		if st.age != nil {
			st.age(t)
		}
		c := profile(st.inputs)
		if got := h.sim.Counters().Requests; got != st.wantRequests {
			t.Errorf("%s: %d Iris requests in all, want %d", st.name, got, st.wantRequests)
		}
		if c["cached"] != st.wantCached || c["found"] != true || c["domain"] != d {
			t.Errorf("%s: content cached=%v found=%v domain=%v, want cached=%v", st.name, c["cached"], c["found"], c["domain"], st.wantCached)
		}
		age, err := strconv.ParseFloat(fmt.Sprint(c["cache_age_seconds"]), 64)
		if err != nil || age < st.wantAge || age >= st.wantAge+60 {
			t.Errorf("%s: cache_age_seconds %v, want %v to %v", st.name, c["cache_age_seconds"], st.wantAge, st.wantAge+60)
		}
	}
	hist, err := h.store.ProfileHistory(context.Background(), d, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Errorf("history has %d fetches of %s, want 3 (cold, forced, after TTL)", len(hist), d)
	}
}

func TestNotFoundIsCachedAsNegative(t *testing.T) {
	t.Parallel()
	h := setup(t)
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	for i, wantCached := range []bool{false, true} {
		inv := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "no-such-domain-irisflow.com"})
		h.publish(inv)
		c := content(t, h.finals(replies, 1)[inv.ID])
		if c["found"] != false || c["cached"] != wantCached || c["dt_iris_data"] != `{"results":[]}` || c["risk_score"] != nil {
			t.Errorf("run %d: content %v", i, c)
		}
	}
	if got := h.sim.Counters().Requests; got != 1 {
		t.Errorf("%d Iris requests, want 1 (the negative answer is cached)", got)
	}
}

func TestBatching300ColdDomains(t *testing.T) {
	t.Parallel()
	// The 300 invocations are in the stream before the enricher starts:
	// they arrive together, as after a burst of artifacts. The enricher
	// runs with its default configuration (25ms window, concurrency 1000):
	// the batches wait for the messages the consumer reports queued, so
	// the burst is not split by gaps between deliveries on a loaded machine.
	h := setup(t, func(o *options) {
		o.sim = irissim.Config{Universe: 400, Seed: 7}
		o.noRun = true
	})
	if h.cfg.BatchWindow != 0 || h.cfg.BatchMaxWait != 0 || h.cfg.Concurrency != 0 || h.cfg.BatchSize != 0 {
		t.Fatalf("the test must run the default batching configuration, got %+v", h.cfg)
	}
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	domains := h.sim.Domains()
	if len(domains) < 300 {
		t.Fatalf("simulator has %d domains", len(domains))
	}
	invs := make([]*flow.Invocation, 300)
	for i := range invs {
		invs[i] = h.function(flow.KindProfile, map[string]any{"dt_domain_name": domains[i]})
	}
	h.publish(invs...)
	h.start()
	finals := h.finals(replies, len(invs))
	for _, inv := range invs {
		if a := finals[inv.ID]; a.MessageType != resilient.MessageInfo {
			t.Fatalf("%s failed: %s", inv.ID, a.Message)
		}
	}
	c := h.sim.Counters()
	t.Logf("300 cold domains: %d Iris requests, %d domains asked", c.Requests, c.Domains)
	if c.Requests > 4 {
		t.Errorf("%d Iris requests for 300 cold domains, want at most 4", c.Requests)
	}
	if c.Domains != 300 {
		t.Errorf("Iris was asked for %d domains, want 300 (each once)", c.Domains)
	}
}

func TestConcurrentSameDomainShareOneCall(t *testing.T) {
	t.Parallel()
	h := setup(t)
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	invs := make([]*flow.Invocation, 50)
	for i := range invs {
		invs[i] = h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	}
	h.publish(invs...)
	finals := h.finals(replies, len(invs))
	for _, inv := range invs {
		if c := content(t, finals[inv.ID]); c["found"] != true {
			t.Fatalf("%s: %v", inv.ID, c)
		}
	}
	if got := h.sim.Counters().Requests; got != 1 {
		t.Errorf("%d Iris requests for 50 concurrent lookups of one domain, want 1", got)
	}
}
