package resilientsim

import (
	"math/rand/v2"
	"net/http"
	"time"
)

type rateWindow struct {
	start time.Time
	count int
}

// faults is the fault-injection state; guarded by Sim.mu.
type faults struct {
	rng         *rand.Rand
	failNext    int
	failStatus  int
	afterCommit int
	window      map[string]*rateWindow // principal -> current second
}

// FailNext makes the next n REST requests answer status (before auth and
// before anything is applied). A 429 or 503 carries Retry-After: 1.
func (s *Sim) FailNext(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.failNext, s.faults.failStatus = n, status
}

// Fail5xxAfterCommit makes the next n successful POSTs apply their change
// and then answer 500, as a SOAR that committed but failed to answer would:
// the object exists although the client saw an error.
func (s *Sim) Fail5xxAfterCommit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.afterCommit = n
}

// preFault returns the status a request must fail with before it is
// handled (FailNext, then ErrorRate), or 0. s.mu held.
func (s *Sim) preFault() int {
	if s.faults.failNext > 0 {
		s.faults.failNext--
		return s.faults.failStatus
	}
	if s.cfg.ErrorRate > 0 && s.faults.rng.Float64() < s.cfg.ErrorRate {
		return http.StatusInternalServerError
	}
	return 0
}

// rateLimited counts a request of principal in the current one-second
// window and reports whether it goes over Config.RateLimit. s.mu held.
func (s *Sim) rateLimited(principal string, now time.Time) bool {
	if s.cfg.RateLimit <= 0 {
		return false
	}
	sec := now.Truncate(time.Second)
	w := s.faults.window[principal]
	if w == nil || !w.start.Equal(sec) {
		w = &rateWindow{start: sec}
		s.faults.window[principal] = w
	}
	w.count++
	return w.count > s.cfg.RateLimit
}

// afterCommitFault reports whether this applied POST must answer 500. s.mu held.
func (s *Sim) afterCommitFault(method string, status int) bool {
	if method != http.MethodPost || status >= 300 || s.faults.afterCommit <= 0 {
		return false
	}
	s.faults.afterCommit--
	return true
}
