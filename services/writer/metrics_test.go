package writer

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// The writer's metrics move as it works: a write that lands, one SOAR
// refuses (dead-lettered), and one whose answer was lost (reconciled and
// found); the REST client counts SOAR's answers by route and status.
func TestWriterMetrics(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	m := obs.NewMetrics("test")
	cfg := e.config()
	cfg.Metrics = m
	cfg.Clients = func(o int64) (*resilient.Client, error) {
		return resilient.NewClient(resilient.ClientConfig{BaseURL: e.url, Org: o,
			APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret,
			MaxRetries: 1, Backoff: 10 * time.Millisecond, Observe: m.ResilientRequest, Logger: testenv.QuietLogger()})
	}
	e.start(t, cfg)
	e.publish(t, noteCmd("m-ok", "written once"))
	e.publish(t, refusedRowCmd("m-bad"))
	testenv.Eventually(t, "both handled", func() bool { return e.drained(t) && len(e.deadLetters(t)) == 1 })
	e.sim.Fail5xxAfterCommit(1)
	e.publish(t, noteCmd("m-lost", "answer lost"))
	testenv.Eventually(t, "the lost answer reconciled", func() bool { return e.applied("m-lost") && e.drained(t) })

	srv := httptest.NewServer(obs.Handler(nil, m.Registry()))
	t.Cleanup(srv.Close)
	exp := testenv.Scrape(t, srv.URL+"/metrics")
	for series, want := range map[string]float64{
		`irisflow_writer_writes_total{kind="note",outcome="written"}`:                                                                     1,
		`irisflow_writer_writes_total{kind="row",outcome="failed"}`:                                                                       1,
		`irisflow_writer_writes_total{kind="note",outcome="retried"}`:                                                                     1,
		`irisflow_writer_writes_total{kind="note",outcome="found"}`:                                                                       1,
		`irisflow_writer_reconciliations_total{result="found"}`:                                                                           1,
		`irisflow_resilient_requests_total{method="POST",route="/rest/orgs/{id}/incidents/{id}/table_data/{name}/row_data",status="400"}`: 1,
		`irisflow_resilient_requests_total{method="POST",route="/rest/orgs/{id}/incidents/{id}/comments",status="500"}`:                   1,
	} {
		if got := testenv.MetricValue(t, exp, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	testenv.PromtoolCheck(t, exp)
}
