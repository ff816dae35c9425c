package obs

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the Prometheus metrics of one irisflow process, on a
// registry of its own (never the global one): what the services count,
// the Go runtime and the process. Every label takes values from a small,
// fixed set (endpoints, routes, kinds, outcomes, status codes, consumer
// names): no domain, incident or invocation ever becomes a label.
//
// A nil *Metrics ignores every call, so components take one optionally.
// docs/operations.md describes each metric.
type Metrics struct {
	reg        *prometheus.Registry
	collectors []prometheus.Collector // irisflow's own, for Names

	irisRequests *prometheus.CounterVec
	irisDuration *prometheus.HistogramVec
	irisDomains  prometheus.Histogram
	quotaTaken   prometheus.Counter
	quotaWait    prometheus.Histogram
	quotaPauses  prometheus.Counter

	cacheLookups *prometheus.CounterVec
	cacheAge     prometheus.Histogram

	restRequests *prometheus.CounterVec
	restDuration *prometheus.HistogramVec
	writes       *prometheus.CounterVec
	reconciles   *prometheus.CounterVec

	messages *prometheus.CounterVec
	handling *prometheus.HistogramVec

	stompConnects  *prometheus.CounterVec
	stompFramesIn  *prometheus.CounterVec
	stompReplies   *prometheus.CounterVec
	stompReceipt   prometheus.Histogram
	repliesPending prometheus.Gauge
}

// NewMetrics builds the registry of a process running version.
func NewMetrics(version string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg}
	f := factory{m}
	m.irisRequests = f.counterVec("irisflow_iris_requests_total",
		"Iris HTTP requests by endpoint and status (\"error\": no answer).", "endpoint", "status")
	m.irisDuration = f.histogramVec("irisflow_iris_request_duration_seconds",
		"Iris request latency by endpoint.", prometheus.ExponentialBuckets(0.05, 2, 10), "endpoint")
	m.irisDomains = f.histogram("irisflow_iris_domains_per_request",
		"Domains asked for in one Iris Investigate request (≤100).", []float64{1, 2, 5, 10, 25, 50, 75, 100})
	m.quotaTaken = f.counter("irisflow_iris_quota_tokens_taken_total",
		"Requests the shared Iris quota let through.")
	m.quotaWait = f.histogram("irisflow_iris_quota_wait_seconds",
		"Time a request waited for the shared Iris quota.", []float64{0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60, 300})
	m.quotaPauses = f.counter("irisflow_iris_quota_pauses_total",
		"Pauses of every replica because Iris answered 503.")
	m.cacheLookups = f.counterVec("irisflow_profile_cache_lookups_total",
		"Profile cache lookups by result (hit, miss).", "result")
	m.cacheAge = f.histogram("irisflow_profile_cache_age_seconds",
		"Age of the stored profiles that answered a lookup.", []float64{60, 600, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 7 * 24 * 3600})
	m.restRequests = f.counterVec("irisflow_resilient_requests_total",
		"SOAR REST requests by method, route and status (\"error\": no answer).", "method", "route", "status")
	m.restDuration = f.histogramVec("irisflow_resilient_request_duration_seconds",
		"SOAR REST latency by method and route.", prometheus.ExponentialBuckets(0.01, 2, 12), "method", "route")
	m.writes = f.counterVec("irisflow_writer_writes_total",
		"Writes the writer finished, by kind (note, row, artifact) and outcome.", "kind", "outcome")
	m.reconciles = f.counterVec("irisflow_writer_reconciliations_total",
		"Ledger reconciliations after an ambiguous write, by result (found, absent, failed).", "result")
	m.messages = f.counterVec("irisflow_messages_total",
		"FN messages the function workers handled, by stream, consumer, function kind and outcome (acked, nakd: redelivered after a delay, dead_lettered: termed with a dead letter).",
		"stream", "consumer", "kind", "outcome")
	m.handling = f.histogramVec("irisflow_handler_duration_seconds",
		"Time one delivery took in its function worker, by function kind.", prometheus.ExponentialBuckets(0.005, 2, 14), "kind")
	m.stompConnects = f.counterVec("irisflow_stomp_connects_total",
		"STOMP connection attempts by connection (frames, replies) and result (ok, error).", "connection", "result")
	m.stompFramesIn = f.counterVec("irisflow_stomp_frames_in_total",
		"Action frames received, by outcome (published, duplicate, rejected).", "outcome")
	m.stompReplies = f.counterVec("irisflow_stomp_replies_out_total",
		"Replies sent to SOAR with their RECEIPT, by type (status, final).", "type")
	m.stompReceipt = f.histogram("irisflow_stomp_receipt_seconds",
		"Time from a reply's SEND to the broker's RECEIPT.", prometheus.ExponentialBuckets(0.001, 2, 15))
	m.repliesPending = f.gauge("irisflow_stomp_replies_in_flight",
		"Replies sent and waiting for their RECEIPT.")
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	info := f.gaugeVec("irisflow_build_info", "The irisflow version this process runs (always 1).", "version")
	info.WithLabelValues(version).Set(1)
	return m
}

// Registry is where the metrics are registered, for /metrics and for
// collectors of other packages; nil for a nil Metrics.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Register adds collectors (e.g. the JetStream consumer collector).
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	if m == nil {
		return nil
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
		m.collectors = append(m.collectors, c)
	}
	return nil
}

// Names lists the names of irisflow's metric families (not the Go and
// process ones), sorted: what docs/operations.md documents.
func (m *Metrics) Names() []string {
	if m == nil {
		return nil
	}
	ch := make(chan *prometheus.Desc, 16)
	go func() {
		for _, c := range m.collectors {
			c.Describe(ch)
		}
		close(ch)
	}()
	var out []string
	for d := range ch {
		if sub := fqName.FindStringSubmatch(d.String()); sub != nil {
			out = append(out, sub[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fqName finds the name in a Desc's String (client_golang offers no getter).
var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// IrisRequest records one Iris HTTP request: its endpoint path, the HTTP
// status (0 when no answer came), its duration and, for Investigate, the
// domains asked for.
func (m *Metrics) IrisRequest(endpoint string, status int, d time.Duration, domains int) {
	if m == nil {
		return
	}
	ep := strings.Trim(strings.TrimPrefix(endpoint, "/v1/"), "/")
	m.irisRequests.WithLabelValues(ep, statusLabel(status)).Inc()
	m.irisDuration.WithLabelValues(ep).Observe(d.Seconds())
	if domains > 0 {
		m.irisDomains.Observe(float64(domains))
	}
}

// Limiter is the Iris client's limiter (iris.Limiter).
type Limiter interface {
	Wait(ctx context.Context) error
	Pause(ctx context.Context, d time.Duration) error
}

// Quota wraps the shared Iris quota so that its tokens, waits and pauses
// are counted. A nil Metrics returns l itself.
func (m *Metrics) Quota(l Limiter) Limiter {
	if m == nil {
		return l
	}
	return quotaMeter{l: l, m: m}
}

type quotaMeter struct {
	l Limiter
	m *Metrics
}

func (q quotaMeter) Wait(ctx context.Context) error {
	return q.meter(func() error { return q.l.Wait(ctx) })
}

// WaitYielding is the wrapped limiter's (iris.Yielder), or its Wait when it
// has none.
func (q quotaMeter) WaitYielding(ctx context.Context, partial func() bool) error {
	y, ok := q.l.(interface {
		WaitYielding(ctx context.Context, partial func() bool) error
	})
	if !ok {
		return q.Wait(ctx)
	}
	return q.meter(func() error { return y.WaitYielding(ctx, partial) })
}

func (q quotaMeter) meter(wait func() error) error {
	start := time.Now()
	err := wait()
	q.m.quotaWait.Observe(time.Since(start).Seconds())
	if err == nil {
		q.m.quotaTaken.Inc()
	}
	return err
}

func (q quotaMeter) Pause(ctx context.Context, d time.Duration) error {
	q.m.quotaPauses.Inc()
	return q.l.Pause(ctx, d)
}

// CacheLookup records a profile cache lookup: a hit with the stored
// profile's age, or a miss.
func (m *Metrics) CacheLookup(hit bool, age time.Duration) {
	if m == nil {
		return
	}
	if !hit {
		m.cacheLookups.WithLabelValues("miss").Inc()
		return
	}
	m.cacheLookups.WithLabelValues("hit").Inc()
	m.cacheAge.Observe(age.Seconds())
}

// ResilientRequest records one SOAR REST request; path is the request's
// path, turned into a route (ids become {id}) to bound the label.
func (m *Metrics) ResilientRequest(method, path string, status int, d time.Duration) {
	if m == nil {
		return
	}
	route := Route(path)
	m.restRequests.WithLabelValues(method, route, statusLabel(status)).Inc()
	m.restDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// Write records a write the writer finished: kind note, row or artifact;
// outcome written, duplicate (the ledger had it), failed (dead-lettered),
// paused (credentials refused; retried later).
func (m *Metrics) Write(kind, outcome string) {
	if m == nil {
		return
	}
	m.writes.WithLabelValues(kind, outcome).Inc()
}

// Reconciled records a ledger reconciliation: found (the object existed),
// absent (written again), failed (could not tell; retried).
func (m *Metrics) Reconciled(result string) {
	if m == nil {
		return
	}
	m.reconciles.WithLabelValues(result).Inc()
}

// Handled records one delivery a function worker handled (pkg/work's
// Observer): its stream and consumer, function kind ("" when the envelope
// could not be decoded: "undecodable"), the ack action (ack, nak, term)
// and how long it took.
func (m *Metrics) Handled(stream, consumer, kind, action string, d time.Duration) {
	if m == nil {
		return
	}
	if kind == "" {
		kind = "undecodable"
	}
	outcome := map[string]string{"ack": "acked", "nak": "nakd", "term": "dead_lettered"}[action]
	if outcome == "" {
		outcome = action
	}
	m.messages.WithLabelValues(stream, consumer, kind, outcome).Inc()
	m.handling.WithLabelValues(kind).Observe(d.Seconds())
}

// StompConnect records a connection attempt of the bridge: connection
// frames or replies, err nil when it succeeded.
func (m *Metrics) StompConnect(connection string, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.stompConnects.WithLabelValues(connection, result).Inc()
}

// FrameIn records an action frame the bridge handled: published,
// duplicate (a redelivery it had handled) or rejected (dead-lettered).
func (m *Metrics) FrameIn(outcome string) {
	if m == nil {
		return
	}
	m.stompFramesIn.WithLabelValues(outcome).Inc()
}

// ReplySent records a reply whose RECEIPT came after d: final or status.
func (m *Metrics) ReplySent(final bool, d time.Duration) {
	if m == nil {
		return
	}
	t := "status"
	if final {
		t = "final"
	}
	m.stompReplies.WithLabelValues(t).Inc()
	m.stompReceipt.Observe(d.Seconds())
}

// RepliesInFlight adds delta to the replies waiting for their RECEIPT.
func (m *Metrics) RepliesInFlight(delta int) {
	if m == nil {
		return
	}
	m.repliesPending.Add(float64(delta))
}

// Route turns a REST path into its route: query dropped, numeric segments
// and the segment after table_data or types replaced, so that a label
// has a handful of values.
func Route(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			parts[i] = "{id}"
		} else if i > 0 && (parts[i-1] == "table_data" || parts[i-1] == "types") {
			parts[i] = "{name}"
		}
	}
	return strings.Join(parts, "/")
}

func statusLabel(status int) string {
	if status == 0 {
		return "error"
	}
	return strconv.Itoa(status)
}

// factory registers what it builds on m's registry.
type factory struct{ m *Metrics }

func (f factory) register(c prometheus.Collector) {
	f.m.reg.MustRegister(c)
	f.m.collectors = append(f.m.collectors, c)
}

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.register(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.register(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.register(g)
	return g
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.register(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.register(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.register(h)
	return h
}

// WatchReadiness exports r as irisflow_ready{component}: 1 ready, 0 not
// (the reason is in /readyz), read at each scrape.
func (m *Metrics) WatchReadiness(r *Readiness) {
	if m == nil || r == nil {
		return
	}
	_ = m.Register(readinessCollector{r: r, desc: prometheus.NewDesc("irisflow_ready",
		"Whether the component is ready (1) or not (0); /readyz says why.", []string{"component"}, nil)})
}

type readinessCollector struct {
	r    *Readiness
	desc *prometheus.Desc
}

func (c readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c readinessCollector) Collect(ch chan<- prometheus.Metric) {
	_, st := c.r.Ready()
	for comp, s := range st {
		v := 0.0
		if s.Ready {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, comp)
	}
}
