// Package backoff is irisflow's one retry schedule: exponential from Base,
// doubling per attempt up to Max, with one jitter rule ("equal jitter":
// uniform in the upper half of the step, so retries of many callers spread
// without ever coming back sooner than half the step).
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is an exponential schedule.
type Policy struct {
	// Base is the first step; Max caps every step.
	Base, Max time.Duration
}

// Step is the n-th step (0-based) without jitter: Base·2^n, capped at Max;
// 0 when Base is not positive.
func (p Policy) Step(n int) time.Duration {
	if p.Base <= 0 {
		return 0
	}
	d := p.Base << min(max(n, 0), 30)
	if d <= 0 || (p.Max > 0 && d > p.Max) {
		d = p.Max
	}
	return d
}

// Delay is the n-th delay (0-based): Step(n) with equal jitter, uniform in
// [Step(n)/2, Step(n)].
func (p Policy) Delay(n int) time.Duration {
	d := p.Step(n)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sequence is a Policy's delays one after the other (a reconnect loop).
type Sequence struct {
	Policy Policy
	n      int
}

// Next is the next delay.
func (s *Sequence) Next() time.Duration {
	d := s.Policy.Delay(s.n)
	s.n++
	return d
}

// Reset starts the sequence again from Base.
func (s *Sequence) Reset() { s.n = 0 }
