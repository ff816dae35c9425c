package obs_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/obs"
)

func TestReadyz(t *testing.T) {
	t.Parallel()
	r := obs.NewReadiness()
	h := obs.Handler(r, nil)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	r.Set("writer", true, "")
	if rec := get("/readyz"); rec.Code != 200 {
		t.Fatalf("ready: %d", rec.Code)
	}
	r.Set("writer", false, "resilient rejected the API key (401)")
	rec := get("/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "401") {
		t.Fatalf("not ready: %d %s", rec.Code, rec.Body)
	}
	if got := r.NotReady(); len(got) != 1 || got[0] != "writer" {
		t.Fatalf("NotReady = %v", got)
	}
	if rec := get("/healthz"); rec.Code != 200 {
		t.Fatalf("healthz: %d", rec.Code)
	}
	if rec := get("/metrics"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Fatalf("metrics: %d", rec.Code)
	}
	var nilR *obs.Readiness
	nilR.Set("x", false, "")
	if ok, _ := nilR.Ready(); !ok {
		t.Fatal("nil readiness is always ready")
	}
}

func TestProcessIDsDiffer(t *testing.T) {
	a, b := obs.ProcessID(), obs.ProcessID()
	if a == b || !strings.Contains(a, fmt.Sprintf("/%d/", os.Getpid())) {
		t.Fatalf("ProcessID() = %q, %q: want two distinct ids holding the pid", a, b)
	}
}
