package bridge

import (
	"context"
	"testing"
	"time"
)

// ActiveMQ beats only when it wrote nothing since its last check
// (AMQ-4710): after a frame up to twice its interval passes without a byte.
// With 2 s heart-beats an idle bridge keeps both connections for well over
// three intervals after a frame: no reconnect on either.
func TestBridgeHeartBeatsOnActiveMQ(t *testing.T) {
	t.Parallel()
	e := setup(t, brokerKinds[1]) // ActiveMQ
	cfg, logs := e.loggedConfig()
	cfg.HeartBeat = 2 * time.Second
	e.runBridge(cfg, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e.invokeProfile(t, ctx)
	// Observe the idle bridge for 4 intervals, failing at the first reconnect.
	window := time.Now().Add(4 * cfg.HeartBeat)
	for time.Now().Before(window) {
		if n := logs.Count("lost"); n != 0 {
			t.Fatalf("a connection was lost while idle (%d log lines)", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if up, replies := logs.Count("connected to broker"), logs.Count("reply connection up"); up != 1 || replies != 1 {
		t.Errorf("%d frame connections and %d reply connections while idle, want 1 and 1", up, replies)
	}
}
