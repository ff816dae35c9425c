package testenv

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
)

// PromtoolCheck runs `promtool check metrics` on a Prometheus exposition
// and fails the test on any problem it reports (naming, HELP, units,
// counters without _total...). It skips when promtool is not installed
// (.ci/services.sh installs it).
func PromtoolCheck(t testing.TB, exposition []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (.ci/services.sh installs it from Debian's prometheus package)")
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(exposition)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// Scrape GETs a /metrics URL and returns the exposition.
func Scrape(t testing.TB, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("testenv: scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("testenv: scrape %s: %d %v", url, resp.StatusCode, err)
	}
	return b
}

// MetricValue returns the value of series in a text exposition: series is
// the metric name with its labels as Prometheus writes them (sorted by
// name), e.g. `irisflow_writer_writes_total{kind="note",outcome="written"}`.
// A series the exposition lacks is 0.
func MetricValue(t testing.TB, exposition []byte, series string) float64 {
	t.Helper()
	for _, line := range bytes.Split(exposition, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte(series+" "))
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(string(bytes.Fields(rest)[0]), 64)
		if err != nil {
			t.Fatalf("testenv: metric %s: %v", series, err)
		}
		return v
	}
	return 0
}
