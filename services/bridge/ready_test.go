package bridge

import (
	"strings"
	"testing"
)

// The bridge is ready while it is subscribed and its reply connection is
// up; a broker cut makes it not ready, with the reason in /readyz, and the
// reconnection makes it ready again.
func TestReadinessFollowsTheBroker(t *testing.T) {
	t.Parallel()
	e := setup(t, brokerKinds[0])
	cfg, _ := e.loggedConfig()
	ready := watchReadiness(&cfg)
	e.proxy.SetDown(true)
	e.runBridge(cfg, nil)
	state := func() (bool, string) {
		ok, st := ready.Ready()
		return ok, st[ReadinessComponent].Reason
	}
	waitFor(t, "not ready, the broker unreachable", func() bool {
		ok, reason := state()
		return !ok && strings.Contains(reason, "broker unreachable") && strings.Contains(reason, "reply connection: broker unreachable")
	})
	e.proxy.SetDown(false)
	waitFor(t, "ready once connected and subscribed", func() bool { ok, _ := state(); return ok })

	e.proxy.SetDown(true) // cuts both connections and refuses new ones
	waitFor(t, "not ready after the cut", func() bool {
		ok, reason := state()
		return !ok && strings.Contains(reason, "broker")
	})
	e.proxy.SetDown(false)
	waitFor(t, "ready again after the reconnection", func() bool { ok, _ := state(); return ok })
}
