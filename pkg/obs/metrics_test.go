package obs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/testenv"
)

type fakeLimiter struct{ err error }

func (f fakeLimiter) Wait(context.Context) error                 { return f.err }
func (f fakeLimiter) Pause(context.Context, time.Duration) error { return nil }

// Each recording moves its series, the exposition passes promtool, and a
// nil Metrics ignores everything.
func TestMetricsMoveAndPassPromtool(t *testing.T) {
	t.Parallel()
	m := obs.NewMetrics("1.2.3")
	ready := obs.NewReadiness()
	ready.Set("writer", false, "401")
	ready.Set("bridge", true, "")
	m.WatchReadiness(ready)
	m.IrisRequest("/v1/iris-investigate/", 200, 300*time.Millisecond, 40)
	m.IrisRequest("/v1/iris-investigate/", 503, time.Second, 40)
	m.IrisRequest("/v1/account/", 0, time.Second, 0)
	q := m.Quota(fakeLimiter{})
	_ = q.Wait(context.Background())
	_ = m.Quota(fakeLimiter{err: errors.New("cancelled")}).Wait(context.Background())
	_ = q.Pause(context.Background(), time.Second)
	m.CacheLookup(true, time.Hour)
	m.CacheLookup(false, 0)
	m.ResilientRequest("POST", "/rest/orgs/201/incidents/4206/comments", 200, 50*time.Millisecond)
	m.ResilientRequest("POST", "/rest/orgs/201/incidents/4206/table_data/domaintools_results/row_data", 400, 50*time.Millisecond)
	m.Write("note", "written")
	m.Reconciled("found")
	m.StompConnect("frames", nil)
	m.StompConnect("replies", errors.New("refused"))
	m.FrameIn("published")
	m.RepliesInFlight(1)
	m.ReplySent(true, 5*time.Millisecond)
	m.Handled("FN", "enricher", "profile", "ack", 20*time.Millisecond)
	m.Handled("FN", "pivoter", "", "term", time.Millisecond)

	srv := httptest.NewServer(obs.Handler(obs.NewReadiness(), m.Registry()))
	t.Cleanup(srv.Close)
	exp := testenv.Scrape(t, srv.URL+"/metrics")
	for series, want := range map[string]float64{
		`irisflow_build_info{version="1.2.3"}`:                                                                          1,
		`irisflow_iris_requests_total{endpoint="iris-investigate",status="200"}`:                                        1,
		`irisflow_iris_requests_total{endpoint="iris-investigate",status="503"}`:                                        1,
		`irisflow_iris_requests_total{endpoint="account",status="error"}`:                                               1,
		`irisflow_iris_domains_per_request_sum`:                                                                         80,
		`irisflow_iris_quota_tokens_taken_total`:                                                                        1,
		`irisflow_iris_quota_wait_seconds_count`:                                                                        2,
		`irisflow_iris_quota_pauses_total`:                                                                              1,
		`irisflow_profile_cache_lookups_total{result="hit"}`:                                                            1,
		`irisflow_profile_cache_lookups_total{result="miss"}`:                                                           1,
		`irisflow_profile_cache_age_seconds_sum`:                                                                        3600,
		`irisflow_resilient_requests_total{method="POST",route="/rest/orgs/{id}/incidents/{id}/comments",status="200"}`: 1,
		`irisflow_resilient_requests_total{method="POST",route="/rest/orgs/{id}/incidents/{id}/table_data/{name}/row_data",status="400"}`: 1,
		`irisflow_writer_writes_total{kind="note",outcome="written"}`:                                                                     1,
		`irisflow_writer_reconciliations_total{result="found"}`:                                                                           1,
		`irisflow_stomp_connects_total{connection="frames",result="ok"}`:                                                                  1,
		`irisflow_stomp_connects_total{connection="replies",result="error"}`:                                                              1,
		`irisflow_stomp_frames_in_total{outcome="published"}`:                                                                             1,
		`irisflow_stomp_replies_out_total{type="final"}`:                                                                                  1,
		`irisflow_stomp_replies_in_flight`:                                                                                                1,
		`irisflow_messages_total{consumer="enricher",kind="profile",outcome="acked",stream="FN"}`:                                         1,
		`irisflow_messages_total{consumer="pivoter",kind="undecodable",outcome="dead_lettered",stream="FN"}`:                              1,
		`irisflow_handler_duration_seconds_count{kind="profile"}`:                                                                         1,
		`irisflow_stomp_receipt_seconds_count`:                                                                                            1,
	} {
		if got := testenv.MetricValue(t, exp, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if !strings.Contains(string(exp), "go_goroutines") || !strings.Contains(string(exp), "process_cpu_seconds_total") {
		t.Error("no Go or process metrics")
	}
	testenv.PromtoolCheck(t, exp)

	var none *obs.Metrics
	none.IrisRequest("/v1/account/", 200, 0, 0)
	none.Write("note", "written")
	if none.Registry() != nil || none.Quota(fakeLimiter{}) == nil {
		t.Error("nil Metrics")
	}
	nilReady := httptest.NewServer(obs.Handler(nil, m.Registry()))
	t.Cleanup(nilReady.Close)
	if code := get(t, nilReady.URL+"/readyz"); code != http.StatusOK {
		t.Errorf("readyz %d", code)
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRoute(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/rest/orgs/201/incidents/4206?handle_format=names": "/rest/orgs/{id}/incidents/{id}",
		"/rest/orgs/201/types/domaintools_results":          "/rest/orgs/{id}/types/{name}",
		"/rest/session": "/rest/session",
		"/api/respond/rest/orgs/9/incidents/1/artifacts": "/api/respond/rest/orgs/{id}/incidents/{id}/artifacts",
	} {
		if got := obs.Route(in); got != want {
			t.Errorf("Route(%q) = %q, want %q", in, got, want)
		}
	}
}

// yieldingLimiter is a fakeLimiter that is also an iris.Yielder.
type yieldingLimiter struct {
	fakeLimiter
	partials *int
}

func (y yieldingLimiter) WaitYielding(_ context.Context, partial func() bool) error {
	if partial() {
		*y.partials++
	}
	return y.err
}

// The metered quota keeps the wrapped limiter's yielding (iris.Yielder)
// and counts its tokens; over a limiter without it, it is Wait.
func TestQuotaKeepsYielding(t *testing.T) {
	t.Parallel()
	m := obs.NewMetrics("1")
	var partials int
	q := m.Quota(yieldingLimiter{partials: &partials})
	y, ok := q.(interface {
		WaitYielding(context.Context, func() bool) error
	})
	if !ok {
		t.Fatal("the metered quota is not a Yielder")
	}
	if err := y.WaitYielding(t.Context(), func() bool { return true }); err != nil || partials != 1 {
		t.Fatalf("WaitYielding: %v, %d partial calls reached the limiter, want 1", err, partials)
	}
	plain := m.Quota(fakeLimiter{err: errors.New("no token")}).(interface {
		WaitYielding(context.Context, func() bool) error
	})
	if err := plain.WaitYielding(t.Context(), func() bool { return true }); err == nil {
		t.Fatal("over a plain limiter WaitYielding did not Wait")
	}
	srv := httptest.NewServer(obs.Handler(obs.NewReadiness(), m.Registry()))
	t.Cleanup(srv.Close)
	if got := testenv.MetricValue(t, testenv.Scrape(t, srv.URL+"/metrics"), "irisflow_iris_quota_tokens_taken_total"); got != 1 {
		t.Errorf("tokens taken %v, want 1", got)
	}
}
