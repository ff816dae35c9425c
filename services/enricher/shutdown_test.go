package enricher

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
)

// waitingIris is an Iris that never has a request token: every call waits
// (as a shared quota's Wait does) until its context ends.
type waitingIris struct{ waiting chan struct{} }

func (w waitingIris) Investigate(ctx context.Context, _ []string) (*iris.Profiles, error) {
	select {
	case w.waiting <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return nil, errors.Join(errors.New("wait for quota"), context.Cause(ctx))
}

// An enricher whose cold batch waits for an Iris quota token stops on
// cancel once the grace is over: the batch's wait ends with the service
// (it used to run on for the batch timeout, 3 minutes, so the process
// ignored SIGTERM while a quota was spent).
func TestRunStopsWhileABatchWaitsForQuota(t *testing.T) {
	t.Parallel()
	iris := waitingIris{waiting: make(chan struct{}, 1)}
	h := setup(t, func(o *options) {
		o.mutate = func(c *Config) { c.Iris, c.Grace = iris, time.Second }
	})
	h.publish(h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"}))
	select {
	case <-iris.waiting:
	case <-time.After(waitBound):
		t.Fatal("the lookup never reached Iris")
	}
	// Fails the test unless Run returns nil within testenv.RunInBackground's
	// bound (30s) of its cancel, the grace being 1s.
	h.stop()
}
