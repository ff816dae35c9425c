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
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
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

// watchReadiness sets cfg.Ready to a readiness the test can read, and returns it.
func watchReadiness(cfg *Config) *obs.Readiness {
	cfg.Ready = obs.NewReadiness()
	return cfg.Ready
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

// invokeProfile calls the profile function through the first destination's
// SOAR and waits for the one invocation it becomes in FN.
func (e *env) invokeProfile(t *testing.T, ctx context.Context) (soarsim.Invocation, flow.Invocation) {
	t.Helper()
	call, err := e.soar(0).InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
	if err != nil {
		t.Fatal(err)
	}
	return call, e.waitForInvocation(t, "the invocation in FN", call.CorrelationID)
}

// invocations reads every message in FN (nobody consumes it in these tests).
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

// eachBroker runs test once against every broker kind, the kinds in
// parallel with each other and with the other tests.
func eachBroker(t *testing.T, test func(t *testing.T, k brokerKind)) {
	t.Parallel()
	for _, k := range brokerKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			test(t, k)
		})
	}
}

// testContext is a context that ends after d, or when the test does.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// running is setup(t, k) with a bridge running on e.loggedConfig(), tuned
// by tune, and a context that bounds the test to within.
func running(t *testing.T, k brokerKind, within time.Duration, tune ...func(*bridge)) (*env, context.Context, *testenv.LogBuffer) {
	t.Helper()
	e := setup(t, k)
	cfg, logs := e.loggedConfig()
	e.runBridge(cfg, nil, tune...)
	return e, testContext(t, within), logs
}

// waitForOnly waits until read returns exactly one item for which want
// (nil: any) holds, and returns it.
func waitForOnly[T any](t *testing.T, what string, read func() []T, want func(T) bool) T {
	t.Helper()
	var got T
	waitFor(t, what, func() bool {
		items := read()
		if len(items) != 1 {
			return false
		}
		got = items[0]
		return want == nil || want(got)
	})
	return got
}

// waitForInvocation waits until FN holds exactly one invocation, the one
// with correlation-id cid, and returns it.
func (e *env) waitForInvocation(t *testing.T, what, cid string) flow.Invocation {
	t.Helper()
	return waitForOnly(t, what, e.invocations, func(inv flow.Invocation) bool { return inv.CorrelationID == cid })
}

// sendAll calls send(0), send(1) ... send(n-1) in a goroutine, stopping at
// the first error; the channel gets that error, or nil.
func sendAll(n int, send func(i int) error) <-chan error {
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			if err := send(i); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	return sent
}

// awaitFinal waits for the final reply SOAR s gets under correlation-id
// cid, failing the test when none comes before ctx ends.
func awaitFinal(t *testing.T, ctx context.Context, s *soarsim.SOAR, cid string) *resilient.Ack {
	t.Helper()
	final, err := s.Await(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	return final
}
