package work

import (
	"context"
	"errors"
	"time"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
)

// Class is what a failure of work means for its message.
type Class int

// The classes.
const (
	// Answered: no failure.
	Answered Class = iota
	// Refused: no retry can help (bad input, Iris refusing the request);
	// error reply and dead letter now.
	Refused
	// Unauthorized: Iris refused the credentials. Refused, and the service
	// is not ready until an Iris call succeeds again.
	Unauthorized
	// Unavailable: Iris answered 503 (its rate-limit signal) through the
	// client's own retries; retried when the shared pause ends.
	Unavailable
	// Transient: anything else (Iris 5xx, timeouts, network, the database,
	// NATS, shutting down); retried with backoff up to MaxDeliver.
	Transient
)

func (c Class) String() string {
	return [...]string{"answered", "refused", "unauthorized", "unavailable", "transient"}[c]
}

// UnavailableDelay is the redelivery delay of Unavailable work when no
// shared pause is in force (no quota, or it has ended already).
const UnavailableDelay = 15 * time.Second

// Classify is the one mapping from the errors of work (Iris, the store,
// bad input) to what they mean for the message.
func Classify(err error) Class {
	var de *profile.DomainError
	switch {
	case err == nil:
		return Answered
	case errors.Is(err, iris.ErrAuth):
		return Unauthorized
	case flow.IsPermanent(err), errors.As(err, &de):
		return Refused
	// Iris refusing the request: retrying the same request cannot help.
	case errors.Is(err, iris.ErrBadRequest), errors.Is(err, iris.ErrNotFound), errors.Is(err, iris.ErrLimitExceeded):
		return Refused
	// Input the work cannot use, found below the layer.
	case errors.Is(err, domain.ErrNotDomain), errors.Is(err, seed.ErrNoIrisData), errors.Is(err, pivot.ErrUnknownType),
		errors.Is(err, resilient.ErrMalformed), errors.Is(err, store.ErrInvalid):
		return Refused
	case errors.Is(err, iris.ErrUnavailable), errors.Is(err, store.ErrQuotaExhausted):
		return Unavailable
	}
	// Iris's server errors, timeouts, network failures and malformed
	// answers (a truncated body, a stale paging cursor: a new request may
	// succeed), the database, NATS, context cancellation.
	return Transient
}

// classify turns a work error into the error the consume loop decides on.
func (ws *Workers) classify(ctx context.Context, err error) error {
	switch Classify(err) {
	case Answered:
		return nil
	case Unauthorized:
		ws.irisRefused(err)
		return flow.Permanent(err)
	case Refused:
		return flow.Permanent(err)
	case Unavailable:
		return &flow.RetryAfter{Err: err, Delay: ws.pauseLeft(ctx)}
	}
	return err
}

// pauseLeft is how long the shared Iris pause (set after a 503) still runs,
// plus a margin; UnavailableDelay when none is in force or known.
func (ws *Workers) pauseLeft(ctx context.Context) time.Duration {
	if ws.cfg.Quota == nil {
		return UnavailableDelay
	}
	st, err := ws.cfg.Quota.State(ctx)
	if err != nil || st.PausedUntil == nil || !time.Now().Before(*st.PausedUntil) {
		return UnavailableDelay
	}
	return time.Until(*st.PausedUntil) + 500*time.Millisecond
}
