package pivoter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
)

// unavailableDelay is the redelivery delay after Iris stayed unavailable
// through the client's own retries (503 is Iris's rate-limit signal).
const unavailableDelay = 15 * time.Second

// classify turns a handler error into what the ack decision needs:
// permanent for bad input and for Iris refusing the request or the
// credentials (which also marks the service not ready), a delayed retry when
// Iris is unavailable, a plain retry for anything else (store, NATS).
func (p *pivoter) classify(log *slog.Logger, err error) error {
	if err == nil || flow.IsPermanent(err) {
		return err
	}
	var ie *iris.Error
	if errors.As(err, &ie) {
		switch {
		case errors.Is(err, iris.ErrAuth):
			p.setReady(false, "Iris refused the credentials: "+ie.Message)
			log.Error("Iris refused the credentials; check IRISFLOW_IRIS_USER / IRISFLOW_IRIS_KEY", "err", err)
			return flow.Permanent(err)
		case errors.Is(err, iris.ErrUnavailable):
			return &flow.RetryAfter{Err: err, Delay: unavailableDelay}
		case ie.Retryable, errors.Is(err, iris.ErrCanceled), errors.Is(err, iris.ErrTimeout):
			return err
		default: // bad request, not found, malformed answers: retrying cannot help
			return flow.Permanent(err)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err // shutting down: redelivered
	}
	return err
}

// irisOK records that Iris answered, so a service marked not ready by a
// credentials failure becomes ready again once they work.
func (p *pivoter) irisOK() { p.setReady(true, "") }

// badInput is the permanent error of a function call with unusable inputs.
func badInput(format string, args ...any) error {
	return flow.Permanent(fmt.Errorf("bad input: "+format, args...))
}
