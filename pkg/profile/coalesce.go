package profile

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// Reserver is implemented by *iris.Client: Reserve waits for one request's
// token of the client's quota and returns a context whose next request uses
// it. An Investigator that is also a Reserver gets its cold domains
// coalesced (see coalescer); any other is asked batch by batch.
type Reserver interface {
	Reserve(ctx context.Context, partial func() bool) (context.Context, error)
}

// coalescer gathers the cold domains of concurrently resolving batches into
// Iris requests. The requests queue in order; one at a time, the oldest
// waits for a quota token, and domains keep joining the newest while it
// holds fewer than size. A request leaves when its token is granted — with
// a full load when quota is short, since the ones behind the oldest are
// full before a newer one opens — and at once when tokens are there
// (iris.Unlimited, or a quota with tokens left): then batches still go out
// in parallel, each with its own domains, as without the coalescer. Each
// request is looked up (investigate, with its bad-request split), saved in
// one bulk write and answered under its own context, so a batch giving up
// does not fail the others sharing it.
type coalescer struct {
	// reserve waits for the token of a request; partial reports whether
	// the request is still less than full (see iris.Yielder).
	reserve func(ctx context.Context, partial func() bool) (context.Context, error)
	// fetch looks a request's domains up in Iris and saves the answers.
	fetch   func(ctx context.Context, domains []string) (map[string]*iris.Result, map[string]error, error)
	size    int
	base    context.Context
	timeout time.Duration

	mu       sync.Mutex
	queue    []*request // waiting for a token, oldest first
	reserved bool       // a goroutine is reserving tokens for the queue
	wg       sync.WaitGroup
}

// request is one Iris request being gathered, waiting for its token or in
// flight.
type request struct {
	ctx     context.Context
	cancel  context.CancelFunc
	domains []string
	has     map[string]bool
	done    chan struct{}
	// Set before done is closed.
	results map[string]*iris.Result
	errs    map[string]error
	err     error
}

// lookup answers domains (distinct) as part of the queued requests: it
// adds them to the newest request while it has room, to new ones beyond,
// and waits for those requests or ctx. results and errs are as of
// investigate, for domains only.
func (c *coalescer) lookup(ctx context.Context, domains []string) (map[string]*iris.Result, map[string]error, error) {
	var mine []*request
	c.mu.Lock()
	for _, d := range domains {
		var r *request
		if n := len(c.queue); n > 0 && len(c.queue[n-1].domains) < c.size {
			r = c.queue[n-1]
		} else {
			rctx, cancel := context.WithTimeout(c.base, c.timeout)
			r = &request{ctx: rctx, cancel: cancel, has: map[string]bool{}, done: make(chan struct{})}
			c.queue = append(c.queue, r)
		}
		if !r.has[d] {
			r.has[d] = true
			r.domains = append(r.domains, d)
		}
		if len(mine) == 0 || mine[len(mine)-1] != r {
			mine = append(mine, r)
		}
	}
	if !c.reserved && len(c.queue) > 0 {
		c.reserved = true
		c.wg.Add(1)
		go c.dispatch()
	}
	c.mu.Unlock()

	results, errs := make(map[string]*iris.Result, len(domains)), map[string]error{}
	for _, r := range mine {
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("wait for the iris request: %w", context.Cause(ctx))
		}
		if r.err != nil {
			return nil, nil, r.err
		}
	}
	for _, d := range domains {
		for _, r := range mine {
			if !r.has[d] {
				continue
			}
			if e := r.errs[d]; e != nil {
				errs[d] = e
			} else {
				results[d] = r.results[d]
			}
			break
		}
	}
	return results, errs, nil
}

// dispatch takes a token for the oldest queued request and sends it, until
// the queue is empty.
func (c *coalescer) dispatch() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.reserved = false
			c.mu.Unlock()
			return
		}
		head := c.queue[0]
		c.mu.Unlock()
		rctx, err := c.reserve(head.ctx, func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return len(head.domains) < c.size
		})
		c.mu.Lock()
		c.queue = c.queue[1:] // head is still first: only dispatch removes
		domains := head.domains
		c.mu.Unlock()
		if err != nil {
			c.finish(head, nil, nil, fmt.Errorf("wait for an iris token: %w", err))
			continue
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			results, errs, err := c.safeFetch(rctx, domains)
			c.finish(head, results, errs, err)
		}()
	}
}

func (c *coalescer) finish(r *request, results map[string]*iris.Result, errs map[string]error, err error) {
	r.results, r.errs, r.err = results, errs, err
	r.cancel()
	close(r.done)
}

func (c *coalescer) safeFetch(ctx context.Context, domains []string) (results map[string]*iris.Result, errs map[string]error, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("iris request panic: %v", r)
		}
	}()
	return c.fetch(ctx, domains)
}

// queued is how many domains wait for a token.
func (c *coalescer) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.queue {
		n += len(r.domains)
	}
	return n
}

// wait blocks until every request has been answered.
func (c *coalescer) wait() { c.wg.Wait() }
