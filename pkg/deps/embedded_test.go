package deps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
)

// nats_url: embedded starts a JetStream server inside the process with the
// irisflow streams; Close stops it, and what was stored survives into the
// next start on the same data directory.
func TestEmbeddedNATS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := configFor(t, config.ServiceWriter)
	cfg.NATSURL, cfg.NATSDataDir = config.NATSEmbedded, filepath.Join(t.TempDir(), "nats")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := deps.Open(ctx, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.JS.Publish(ctx, "dlq.test", []byte("kept")); err != nil {
		d.Close()
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(filepath.Join(cfg.NATSDataDir, "jetstream")); err != nil {
		t.Fatalf("no JetStream store in the data directory: %v", err)
	}

	d, err = deps.Open(ctx, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, sc := range flow.StreamConfigs(flow.StreamOptions{}) {
		if _, err := d.JS.Stream(ctx, sc.Name); err != nil {
			t.Errorf("stream %s: %v", sc.Name, err)
		}
	}
	st, err := d.JS.Stream(ctx, flow.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.GetLastMsgForSubject(ctx, "dlq.test")
	if err != nil || string(m.Data) != "kept" {
		t.Fatalf("after a restart: %v %v", m, err)
	}
}

func TestEmbeddedNATSNeedsADataDir(t *testing.T) {
	t.Parallel()
	c := config.Config{NATSURL: config.NATSEmbedded, StreamReplicas: 3, Services: []string{config.ServiceWriter},
		Resilient: config.Resilient{URL: "https://soar", APIKeyID: "i", APIKeySecret: "s"}}
	c.Defaults()
	err := c.Validate()
	for _, want := range []string{"nats_data_dir / IRISFLOW_NATS_DATA_DIR is required", "stream_replicas must be 1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v, want %q", err, want)
		}
	}
}
