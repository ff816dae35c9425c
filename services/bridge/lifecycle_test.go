package bridge

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// A reply consumer that stops on its own (deleted by an operator) stops
// the bridge: Run returns the error and /readyz says not ready, instead of
// a bridge that takes frames it can never answer.
func TestBridgeReplyConsumerDeletedFailsRun(t *testing.T) {
	t.Parallel()
	e := setup(t, brokerKinds[0])
	cfg, _ := e.loggedConfig()
	ready := watchReadiness(&cfg)
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := newBridge(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.run(ctx) }()
	waitFor(t, "the bridge ready", func() bool { ok, _ := ready.Ready(); return ok })
	// Deleted once the reply consumer pulls (a pull request parked on it):
	// deleted while Run still ensures it, Run fails on the ensure instead.
	waitFor(t, "the reply consumer pulling", func() bool {
		c, err := e.js.Consumer(ctx, flow.StreamReplies, flow.ConsumerBridge)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		return err == nil && info.NumWaiting > 0
	})
	if err := e.js.DeleteConsumer(ctx, flow.StreamReplies, flow.ConsumerBridge); err != nil {
		t.Fatal(err)
	}
	testenv.Returns(t, done, flow.ErrConsumeStopped, "the bridge, its reply consumer deleted,")
	if ok, st := ready.Ready(); ok {
		t.Fatalf("bridge still ready after its replies stopped: %v", st)
	}
}

// A connection that comes up after an outage resets the reconnect backoff:
// the next loss is retried after ReconnectMin, not after the outage's last,
// longest delay (the backoff used to reset only after a connection had
// lived ReconnectMax).
func TestBridgeBackoffResetsOnceConnected(t *testing.T) {
	t.Parallel()
	e := setup(t, brokerKinds[0])
	cfg, logs := e.loggedConfig()
	cfg.ReconnectMin, cfg.ReconnectMax = 20*time.Millisecond, time.Minute
	e.proxy.SetDown(true)
	e.runBridge(cfg, nil)
	// Six refusals: the frames' next delay is at least 20 ms·2⁶/2 = 640 ms.
	waitFor(t, "six refused connections", func() bool { return logs.Count("broker unreachable; retrying") >= 6 })
	e.proxy.SetDown(false)
	waitFor(t, "subscribed", func() bool { return logs.Count("subscribed") >= 1 && logs.Count("reply connection up") >= 1 })
	e.proxy.Sever()
	waitFor(t, "both losses logged", func() bool {
		return logs.Count("broker connection lost; reconnecting") >= 1 && logs.Count("reply connection lost; reconnecting") >= 1
	})
	for _, msg := range []string{"broker connection lost; reconnecting", "reply connection lost; reconnecting"} {
		d := loggedDelay(t, logs.String(), msg)
		if d > cfg.ReconnectMin {
			t.Errorf("%q: retried in %v, want at most ReconnectMin (%v)", msg, d, cfg.ReconnectMin)
		}
	}
}

// loggedDelay is the "in" attribute of the first JSON log record whose
// message is msg.
func loggedDelay(t *testing.T, logs, msg string) time.Duration {
	t.Helper()
	for line := range strings.SplitSeq(logs, "\n") {
		var rec struct {
			Msg string        `json:"msg"`
			In  time.Duration `json:"in"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == msg {
			return rec.In
		}
	}
	t.Fatalf("no log record %q", msg)
	return 0
}
