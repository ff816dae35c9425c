package irissim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// BenchmarkNewUniverse builds a 20000-domain universe.
func BenchmarkNewUniverse(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Universe, cfg.Seed, cfg.Now = 20000, 1, func() time.Time { return testNow }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchPage serves a full page (500 results) of a pivot search
// over HTTP, signed, from a 20000-domain universe.
func BenchmarkSearchPage(b *testing.B) {
	s, cfg := benchServer(b)
	if n := len(s.Matching("registrar", "NAMECHEAP INC")); n < 500 || n > cfg.ResultCap {
		b.Fatalf("%d matches: not one full page under the cap", n)
	}
	h := s.Handler()
	body := signed(PathInvestigate, url.Values{"registrar": {"NAMECHEAP INC"}}).Encode()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = postInvestigate(b, h, body).Body.Len()
	}
	b.ReportMetric(float64(n), "bytes/page")
}

// BenchmarkLookup100 serves an Investigate lookup of 100 domains.
func BenchmarkLookup100(b *testing.B) {
	s, _ := benchServer(b)
	body := signed(PathInvestigate, url.Values{"domain": {strings.Join(s.Domains()[:100], ",")}}).Encode()
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		postInvestigate(b, h, body)
	}
}

// benchServer is the simulator the HTTP benchmarks serve from: a
// 20000-domain universe, seed 1, at testNow.
func benchServer(b *testing.B) (*Server, Config) {
	b.Helper()
	cfg := DefaultConfig()
	cfg.Universe, cfg.Seed, cfg.Now = 20000, 1, func() time.Time { return testNow }
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s, cfg
}

// postInvestigate serves one signed, form-encoded Investigate request and
// fails the benchmark unless it answers 200.
func postInvestigate(b *testing.B, h http.Handler, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, PathInvestigate, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
	return rec
}
