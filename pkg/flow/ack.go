package flow

import (
	"errors"
	"fmt"
	"time"

	"github.com/irisflow/irisflow/pkg/backoff"
)

// ErrPermanent marks an error that no retry can fix (bad input, a 4xx that
// is not auth or rate limiting, a domain Iris cannot profile...). Wrap with
// Permanent.
var ErrPermanent = errors.New("permanent failure")

type permanentError struct{ err error }

func (e permanentError) Error() string   { return e.err.Error() }
func (e permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }

// Permanent marks err as permanent: the message is terminated and
// dead-lettered with err as the reason, and never redelivered.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// Permanentf is Permanent(fmt.Errorf(format, args...)).
func Permanentf(format string, args ...any) error { return Permanent(fmt.Errorf(format, args...)) }

// IsPermanent reports whether err is marked permanent.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }

// RetryAfter wraps a transient error with the delay the caller wants before
// the next delivery (for example Iris's shared pause).
type RetryAfter struct {
	Err   error
	Delay time.Duration
}

func (e *RetryAfter) Error() string { return e.Err.Error() }
func (e *RetryAfter) Unwrap() error { return e.Err }

// Action is what to do with a delivered message.
type Action int

// The actions.
const (
	Ack  Action = iota // done
	Nak                // redeliver after Delay
	Term               // give up: dead-letter with Reason
)

func (a Action) String() string {
	return [...]string{"ack", "nak", "term"}[a]
}

// Decision is the outcome of Decide.
type Decision struct {
	Action Action
	Delay  time.Duration
	Reason string
}

// Decide is the ack decision: a pure function of the handler's error and the
// delivery count. delivered starts at 1; maxDeliver <= 0 means unlimited.
func Decide(err error, delivered, maxDeliver int) Decision {
	switch {
	case err == nil:
		return Decision{Action: Ack}
	case IsPermanent(err):
		return Decision{Action: Term, Reason: err.Error()}
	case maxDeliver > 0 && delivered >= maxDeliver:
		return Decision{Action: Term, Reason: fmt.Sprintf("gave up after %d deliveries: %v", delivered, err)}
	}
	var ra *RetryAfter
	if errors.As(err, &ra) && ra.Delay > 0 {
		return Decision{Action: Nak, Delay: ra.Delay, Reason: err.Error()}
	}
	return Decision{Action: Nak, Delay: Backoff(delivered), Reason: err.Error()}
}

// redelivery is the schedule of redeliveries after failures.
var redelivery = backoff.Policy{Base: time.Second, Max: time.Minute}

// Backoff is the redelivery delay after the n-th failed delivery:
// 1s, 2s, 4s … capped at 1 minute (backoff's steps without jitter, so
// that Decide stays a pure function).
func Backoff(n int) time.Duration { return redelivery.Step(n - 1) }
