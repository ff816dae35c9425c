package enricher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
)

// normalize turns an input value into a domain, or a permanent error that
// names the value and the input it came from.
func normalize(input, value string) (domain.Name, error) {
	n, err := domain.Normalize(value)
	if err != nil {
		return domain.Name{}, flow.Permanentf("%s: %w", input, err) // the error quotes the value, bounded
	}
	return n, nil
}

// classify turns a lookup failure into the error the consume loop acts
// on: Iris refusing the credentials or the request is permanent (with the
// readiness updated for credentials); anything else is transient, retried
// when the shared quota's pause is over if one is in force.
func (s *service) classify(ctx context.Context, err error) error {
	var de *profile.DomainError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return flow.Permanent(err)
	case errors.Is(err, iris.ErrAuth):
		s.setReady(false, "DomainTools Iris rejected the credentials: "+err.Error())
		return flow.Permanentf("DomainTools Iris rejected the credentials: %w", err)
	case errors.Is(err, iris.ErrBadRequest), errors.Is(err, iris.ErrLimitExceeded):
		return flow.Permanent(err)
	}
	if d := s.pauseLeft(ctx); d > 0 {
		return &flow.RetryAfter{Err: err, Delay: d}
	}
	return err
}

// pauseLeft is how long the shared Iris pause (set after a 503) still runs;
// 0 when none is in force or there is no shared quota.
func (s *service) pauseLeft(ctx context.Context) time.Duration {
	if s.cfg.Quota == nil {
		return 0
	}
	st, err := s.cfg.Quota.State(ctx)
	if err != nil || st.PausedUntil == nil {
		return 0
	}
	return max(time.Until(*st.PausedUntil), 0) + 500*time.Millisecond
}

// badInput is a permanent error about a function input.
func badInput(format string, args ...any) error {
	return flow.Permanent(fmt.Errorf(format, args...))
}

// displayName is how replies and notes name a domain: its Unicode form for
// an IDN, else the ASCII form.
func displayName(n domain.Name) string {
	if n.Unicode != "" {
		return n.Unicode
	}
	return n.ASCII
}
