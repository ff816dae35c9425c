package deps_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
)

// pprof is served only on the opt-in debug listener, never on the health
// and metrics one.
func TestDebugListenerServesPprof(t *testing.T) {
	t.Parallel()
	cfg := configFor(t, config.ServiceWriter)
	cfg.DebugListen = "127.0.0.1:0"
	d, err := deps.Open(context.Background(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- d.Run(ctx, deps.Service{Name: "idle", Run: func(ctx context.Context) error { <-ctx.Done(); return nil }})
	}()
	waitFor(t, "the listeners", func() bool { return d.DebugAddr() != "" && d.HTTPAddr() != "" })
	if code, body := get(t, "http://"+d.DebugAddr()+"/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("pprof: %d %.80s", code, body)
	}
	if code, _ := get(t, "http://"+d.HTTPAddr()+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("pprof on the health listener: %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
