package irissim

import (
	"sync"
	"sync/atomic"
)

// Counters are what the simulator has served since start or the last
// ResetCounters.
type Counters struct {
	// Requests counts every /v1 request, whatever its outcome.
	Requests int64 `json:"requests"`
	// Domains counts the domains asked for in answered Investigate and
	// Enrich domain lookups.
	Domains int64 `json:"domains"`
	// Searches counts answered pivot searches (first pages, i.e. without
	// position, including limit_exceeded answers).
	Searches int64 `json:"searches"`
	// Pages counts answered search pages, first pages included.
	Pages int64 `json:"pages"`
	// Errors503 counts quota rejections and injected 503s (FailNext).
	Errors503 int64 `json:"errors_503"`
	// ErrorsAuth counts 401 and 403 answers.
	ErrorsAuth int64 `json:"errors_auth"`
	// Errors500 counts injected 500 answers (ErrorRate, FailNext).
	Errors500 int64 `json:"errors_500"`
	// Canceled counts requests whose context ended during injected latency.
	Canceled int64 `json:"canceled"`
	// ByEndpoint counts /v1 requests per path ("/v1/iris-investigate/", …;
	// unknown paths under "other").
	ByEndpoint map[string]int64 `json:"by_endpoint"`
}

type counters struct {
	requests, domains, searches, pages, e503, eAuth, e500, canceled atomic.Int64
	mu                                                              sync.Mutex
	byEndpoint                                                      map[string]int64
}

func (c *counters) endpoint(path string) {
	c.requests.Add(1)
	c.mu.Lock()
	if c.byEndpoint == nil {
		c.byEndpoint = map[string]int64{}
	}
	c.byEndpoint[path]++
	c.mu.Unlock()
}

// Counters returns a snapshot of the counters.
func (s *Server) Counters() Counters {
	c := &s.counters
	out := Counters{
		Requests: c.requests.Load(), Domains: c.domains.Load(), Searches: c.searches.Load(),
		Pages: c.pages.Load(), Errors503: c.e503.Load(), ErrorsAuth: c.eAuth.Load(),
		Errors500: c.e500.Load(), Canceled: c.canceled.Load(), ByEndpoint: map[string]int64{},
	}
	c.mu.Lock()
	for k, v := range c.byEndpoint {
		out.ByEndpoint[k] = v
	}
	c.mu.Unlock()
	return out
}

// ResetCounters sets every counter to zero (account usage is kept).
func (s *Server) ResetCounters() {
	c := &s.counters
	for _, a := range []*atomic.Int64{&c.requests, &c.domains, &c.searches, &c.pages, &c.e503, &c.eAuth, &c.e500, &c.canceled} {
		a.Store(0)
	}
	c.mu.Lock()
	c.byEndpoint = nil
	c.mu.Unlock()
}

type uint64Counter struct{ n atomic.Uint64 }

func (u *uint64Counter) next() uint64 { return u.n.Add(1) }
