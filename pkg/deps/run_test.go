package deps_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
)

// waitFor polls cond for up to 30s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesHealthAndStopsOnCancel(t *testing.T) {
	t.Parallel()
	d, err := deps.Open(context.Background(), configFor(t, config.ServiceBridge), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	svc := deps.Service{Name: "probe", Run: func(ctx context.Context) error {
		d.Ready.Set("probe", true, "")
		<-ctx.Done()
		close(stopped)
		return nil
	}}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, svc) }()
	waitFor(t, "the health listener", func() bool { return d.HTTPAddr() != "" })
	waitFor(t, "readiness", func() bool { code, _ := get(t, "http://"+d.HTTPAddr()+"/readyz"); return code == http.StatusOK })
	if code, _ := get(t, "http://"+d.HTTPAddr()+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	select {
	case <-stopped:
	default:
		t.Error("Run returned before the service stopped")
	}
	if _, err := http.Get("http://" + d.HTTPAddr() + "/healthz"); err == nil {
		t.Error("the health listener still answers after Run returned")
	}
}

func TestRunStopsEveryServiceWhenOneFails(t *testing.T) {
	t.Parallel()
	c := configFor(t, config.ServiceBridge)
	c.HTTPListen = "off"
	d, err := deps.Open(context.Background(), c, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	boom := errors.New("boom")
	waiting := deps.Service{Name: "waiting", Run: func(ctx context.Context) error { <-ctx.Done(); return nil }}
	failing := deps.Service{Name: "failing", Run: func(context.Context) error { return boom }}
	err = d.Run(context.Background(), waiting, failing)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "failing:") {
		t.Fatalf("err = %v, want boom naming the failing service", err)
	}
	if d.HTTPAddr() != "" {
		t.Errorf("http_listen off, yet listening on %s", d.HTTPAddr())
	}
}

func TestRunReturnsWhenServicesStopOnTheirOwn(t *testing.T) {
	t.Parallel()
	d, err := deps.Open(context.Background(), configFor(t, config.ServiceBridge), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	quick := deps.Service{Name: "quick", Run: func(context.Context) error { return nil }}
	if err := d.Run(context.Background(), quick); err != nil {
		t.Fatal(err)
	}
}

func TestRunReportsABusyListenAddress(t *testing.T) {
	t.Parallel()
	d, err := deps.Open(context.Background(), configFor(t, config.ServiceBridge), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiting := deps.Service{Name: "waiting", Run: func(ctx context.Context) error { <-ctx.Done(); return nil }}
	go func() { _ = d.Run(ctx, waiting) }()
	waitFor(t, "the health listener", func() bool { return d.HTTPAddr() != "" })
	d.Config.HTTPListen = d.HTTPAddr()
	if err := d.Run(ctx); err == nil || !strings.Contains(err.Error(), "http listen") {
		t.Fatalf("err = %v, want the listen failure", err)
	}
}
