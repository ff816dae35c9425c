package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestReadyzURL(t *testing.T) {
	t.Parallel()
	for listen, want := range map[string]string{
		"":              "http://127.0.0.1:9090/readyz",
		"0.0.0.0:9091":  "http://127.0.0.1:9091/readyz",
		":9092":         "http://127.0.0.1:9092/readyz",
		"[::]:9093":     "http://127.0.0.1:9093/readyz",
		"10.0.0.5:9094": "http://10.0.0.5:9094/readyz",
	} {
		got, err := readyzURL(listen)
		if err != nil || got != want {
			t.Errorf("readyzURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
	if _, err := readyzURL("no-port"); err == nil {
		t.Error("readyzURL(no-port): no error")
	}
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" || !ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	run := func() error {
		cmd := newRootCmd()
		cmd.SetArgs([]string{"healthcheck", "--url", srv.URL + "/readyz"})
		return cmd.Execute()
	}
	if err := run(); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("not ready: err = %v, want the 503 named", err)
	}
	ready.Store(true)
	if err := run(); err != nil {
		t.Errorf("ready: %v", err)
	}
}
