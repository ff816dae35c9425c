package irissim

import (
	"net/http"
	"sync"
)

// msgUnavailable is the text of an injected 503 (FailNext): Iris overloaded,
// not a quota.
const msgUnavailable = "The service is temporarily unavailable. Please try again later."

// burst is FailNext's state.
type burst struct {
	mu     sync.Mutex
	n      int
	status int
}

// FailNext makes the next n authenticated /v1 requests answer status (500
// or 503, the error envelope), as an Iris outage would, before any quota is
// counted; after them the server answers as configured again. An injected
// 503 counts in Errors503, a 500 in Errors500.
func (s *Server) FailNext(n, status int) {
	s.burst.mu.Lock()
	defer s.burst.mu.Unlock()
	s.burst.n, s.burst.status = n, status
}

// failNext is the status the request must fail with (FailNext), or 0.
func (s *Server) failNext() int {
	s.burst.mu.Lock()
	defer s.burst.mu.Unlock()
	if s.burst.n <= 0 {
		return 0
	}
	s.burst.n--
	return s.burst.status
}

// writeBurstError answers an injected failure and counts it.
func (s *Server) writeBurstError(w http.ResponseWriter, status int) {
	msg := msgInternal
	switch status {
	case http.StatusServiceUnavailable:
		s.counters.e503.Add(1)
		msg = msgUnavailable
	case http.StatusInternalServerError:
		s.counters.e500.Add(1)
	}
	writeError(w, status, msg)
}
