package bridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// brokerKind is one row of the broker table: every end-to-end test runs
// against the embedded broker and a real ActiveMQ.
type brokerKind struct {
	name  string
	start func(t *testing.T) (string, *broker.Broker) // stomp://host:port; the embedded broker or nil
}

var brokerKinds = []brokerKind{
	{"embedded", func(t *testing.T) (string, *broker.Broker) {
		b, err := broker.Start("127.0.0.1:0", broker.WithUser(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b.URL(), b
	}},
	{"activemq", func(t *testing.T) (string, *broker.Broker) { return testenv.ActiveMQ(t), nil }},
}

// env is one test's world: a broker, embedded NATS, the SOAR simulator on
// unique destinations, and bridges started on demand.
type env struct {
	t       *testing.T
	url     string
	proxy   *testenv.Proxy
	js      jetstream.JetStream
	nats    *testenv.NATS
	dests   []Destination
	soars   map[string]*soarsim.SOAR // by Destination.Queue()
	streams flow.StreamOptions
	broker  *broker.Broker // the embedded broker; nil for ActiveMQ
	bridge  *bridge        // the last bridge runBridge started
}

func setup(t *testing.T, k brokerKind, orgs ...int64) *env {
	t.Helper()
	if len(orgs) == 0 {
		orgs = []int64{201}
	}
	url, brk := k.start(t)
	addr, _, _ := parseStompURL(url)
	n := testenv.StartNATS(t)
	_, js := n.Connect(t)
	e := &env{t: t, url: url, nats: n, broker: brk, proxy: testenv.StartProxy(t, addr), js: js, soars: map[string]*soarsim.SOAR{}}
	name := fmt.Sprintf("dt_%s_%x", strings.ToLower(strings.NewReplacer("/", "_").Replace(t.Name())), rand.Uint32())
	for _, org := range orgs {
		d := Destination{Org: org, Name: name}
		s, err := soarsim.New(soarsim.Config{BrokerURL: url, Org: org, Destination: name,
			Login: resilientsim.DefaultAPIKeyID, Passcode: resilientsim.DefaultAPIKeySecret})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		e.dests = append(e.dests, d)
		e.soars[d.Queue()] = s
	}
	return e
}

func (e *env) soar(i int) *soarsim.SOAR { return e.soars[e.dests[i].Queue()] }

func (e *env) config() Config {
	return Config{
		StompURL:     "stomp://" + e.proxy.Addr(),
		Login:        resilientsim.DefaultAPIKeyID,
		Passcode:     resilientsim.DefaultAPIKeySecret,
		Destinations: e.dests,
		Prefetch:     10,
		HeartBeat:    5 * time.Second,
		ReconnectMin: 50 * time.Millisecond,
		ReconnectMax: 500 * time.Millisecond,
		NATS:         e.js,
		Streams:      e.streams,
		Grace:        5 * time.Second,
		Logger:       testenv.QuietLogger(),
	}
}

// loggedConfig is e.config() logging into a buffer the test reads; the
// log is printed when the test fails.
func (e *env) loggedConfig() (Config, *testenv.LogBuffer) {
	logs := &testenv.LogBuffer{}
	cfg := e.config()
	cfg.Logger = logs.Logger()
	e.t.Cleanup(func() {
		if e.t.Failed() {
			e.t.Log(logs.String())
		}
	})
	return cfg, logs
}

// runBridge starts a bridge; stop cancels it and returns Run's error. tune,
// if any, adjusts the bridge (test-only fields) before it runs.
func (e *env) runBridge(cfg Config, hook func(*flow.Invocation) bool, tune ...func(*bridge)) (stop func() error) {
	e.t.Helper()
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, err := newBridge(ctx, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	b.beforeAck = hook
	for _, f := range tune {
		f(b)
	}
	e.bridge = b
	done := make(chan error, 1)
	go func() { done <- b.run(ctx) }()
	var once sync.Once
	var rerr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case rerr = <-done:
			case <-time.After(30 * time.Second):
				rerr = errors.New("bridge did not stop within 30s")
			}
		})
		return rerr
	}
	e.t.Cleanup(func() { _ = stop() })
	return stop
}

// invocations reads every message in FN (nobody consumes it in these tests).
// invokeProfile calls the profile function through the first destination's
// SOAR and waits for the one invocation it becomes in FN.
func (e *env) invokeProfile(t *testing.T, ctx context.Context) (soarsim.Invocation, flow.Invocation) {
	t.Helper()
	call, err := e.soar(0).InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
	if err != nil {
		t.Fatal(err)
	}
	var inv flow.Invocation
	waitFor(t, "the invocation in FN", func() bool {
		invs := e.invocations()
		if len(invs) == 1 {
			inv = invs[0]
		}
		return len(invs) == 1 && inv.CorrelationID == call.CorrelationID
	})
	return call, inv
}

func (e *env) invocations() []flow.Invocation {
	e.t.Helper()
	return testenv.ReadStream[flow.Invocation](e.t, e.js, flow.StreamFN, "")
}

func (e *env) deadLetters() []flow.DeadLetter {
	e.t.Helper()
	return testenv.ReadStream[flow.DeadLetter](e.t, e.js, flow.StreamDLQ, "")
}

// waitFor polls cond until it holds, failing after testenv.Wait (30s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, what, cond)
}
