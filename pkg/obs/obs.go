// Package obs is irisflow's observability: readiness that services report
// into, and the HTTP handler serving /healthz, /readyz and Prometheus /metrics.
package obs

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness collects the readiness of named components. The zero value is
// not usable; use NewReadiness. A nil *Readiness ignores every call, so
// services can take one optionally.
type Readiness struct {
	mu    sync.Mutex
	state map[string]status
}

type status struct {
	Ready  bool   `json:"ready"`
	Reason string `json:"reason,omitempty"`
}

// NewReadiness returns an empty Readiness (ready until a component says otherwise).
func NewReadiness() *Readiness { return &Readiness{state: map[string]status{}} }

// Set records whether component is ready, and why not.
func (r *Readiness) Set(component string, ready bool, reason string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state[component] = status{Ready: ready, Reason: reason}
}

// Ready reports whether every component is ready, with the state of each.
func (r *Readiness) Ready() (bool, map[string]status) {
	if r == nil {
		return true, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	all := true
	out := make(map[string]status, len(r.state))
	for k, v := range r.state {
		out[k] = v
		all = all && v.Ready
	}
	return all, out
}

// NotReady lists the components that are not ready, sorted.
func (r *Readiness) NotReady() []string {
	_, st := r.Ready()
	var out []string
	for k, v := range st {
		if !v.Ready {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Handler serves /healthz (the process is up), /readyz (every component is
// ready: 200, else 503 with the state as JSON) and /metrics from reg
// (prometheus.DefaultGatherer when nil).
func Handler(r *Readiness, reg prometheus.Gatherer) http.Handler {
	if reg == nil {
		reg = prometheus.DefaultGatherer
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		ok, st := r.Ready()
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": ok, "components": st})
	})
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}
