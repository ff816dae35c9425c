package deps_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
)

// The operator's documents and the metrics agree: docs/operations.md
// describes every metric a process exports, and the alerting rules and the
// Grafana dashboard use only metrics that exist; the rules pass promtool.
func TestMetricsDocumented(t *testing.T) {
	t.Parallel()
	d, err := deps.Open(context.Background(), configFor(t, config.ServiceWriter), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names := d.Metrics.Names()
	if len(names) < 20 {
		t.Fatalf("only %d metrics: %v", len(names), names)
	}
	docs := filepath.Join("..", "..", "docs")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(docs, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ops := read("operations.md")
	for _, n := range names {
		if !strings.Contains(ops, "`"+n+"`") {
			t.Errorf("docs/operations.md does not describe %s", n)
		}
	}
	used := regexp.MustCompile(`irisflow_[a-z_]+`)
	for _, file := range []string{"prometheus/irisflow-alerts.yml", "grafana/irisflow-dashboard.json", "operations.md"} {
		for _, n := range used.FindAllString(read(file), -1) {
			base := n
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(n, suffix); ok && slices.Contains(names, b) {
					base = b
				}
			}
			if !slices.Contains(names, base) {
				t.Errorf("%s uses %s, which no process exports", file, n)
			}
		}
	}
	if path, err := exec.LookPath("promtool"); err == nil {
		out, err := exec.Command(path, "check", "rules", filepath.Join(docs, "prometheus", "irisflow-alerts.yml")).CombinedOutput()
		if err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed: the rules are not checked (.ci/services.sh installs it)")
	}
}
