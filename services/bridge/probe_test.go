package bridge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/services/bridge"
	"github.com/irisflow/irisflow/sim/broker"
)

// Probe logs in and subscribes as the bridge does: a wrong passcode, a
// destination the user may not read and an unreachable broker are each
// reported, and a readable destination is not.
func TestProbe(t *testing.T) {
	t.Parallel()
	brk, err := broker.Start("127.0.0.1:0", broker.WithUser("key-id", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = brk.Close() })
	brk.Deny("actions.202.domaintools")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := bridge.Config{StompURL: brk.URL(), Login: "key-id", Passcode: "secret",
		Destinations: []bridge.Destination{{Org: 201, Name: "domaintools"}, {Org: 202, Name: "domaintools"}}}
	got, err := bridge.Probe(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := got["actions.201.domaintools"]; err != nil {
		t.Errorf("readable destination: %v", err)
	}
	if err := got["actions.202.domaintools"]; err == nil || !strings.Contains(err.Error(), "not authorized to read from") {
		t.Errorf("denied destination: %v", err)
	}

	cfg.Passcode = "wrong"
	got, err = bridge.Probe(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := got["actions.201.domaintools"]; err == nil || !strings.Contains(err.Error(), "login") {
		t.Errorf("wrong passcode: %v", err)
	}

	cfg.StompURL = "stomp://127.0.0.1:1"
	got, _ = bridge.Probe(ctx, cfg)
	if err := got["actions.201.domaintools"]; err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("unreachable broker: %v", err)
	}
}
