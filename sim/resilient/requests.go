package resilientsim

import (
	"maps"
	"slices"
	"time"
)

// maxLog bounds the request log.
const maxLog = 10000

// Request is one REST request the sim received.
type Request struct {
	Method string
	Path   string
	Route  string // the route pattern, e.g. "POST /rest/orgs/{org}/incidents/{inc}/comments"
	// ContextToken is the X-Co3ContextToken header ("" when absent).
	ContextToken string
	// Principal is "apikey:<id>", "user:<email>" or "" when unauthenticated.
	Principal string
	Status    int
	At        time.Time
}

// requests records traffic; guarded by Sim.mu.
type requests struct {
	total   int64
	byRoute map[string]int64
	log     []Request
}

func (s *Sim) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs.total++
	s.reqs.byRoute[r.Route]++
	if len(s.reqs.log) >= maxLog {
		s.reqs.log = slices.Delete(s.reqs.log, 0, len(s.reqs.log)-maxLog+1)
	}
	s.reqs.log = append(s.reqs.log, r)
}

// Requests is the number of REST requests received.
func (s *Sim) Requests() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs.total
}

// RequestCounts counts REST requests by route pattern (see Request.Route).
func (s *Sim) RequestCounts() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.reqs.byRoute)
}

// RequestLog returns the last requests (at most 10000), oldest first.
func (s *Sim) RequestLog() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs.log)
}

// LastContextToken is the X-Co3ContextToken of the last REST request.
func (s *Sim) LastContextToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs.log) == 0 {
		return ""
	}
	return s.reqs.log[len(s.reqs.log)-1].ContextToken
}
