package profile

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// lookupKey is one domain to look up; force skips the cache.
type lookupKey struct {
	domain string
	force  bool
}

// outcome is the answer for one key: a profile or that domain's error.
type outcome struct {
	res Answer
	err error
}

// resolveFunc answers a whole batch. A non-nil error fails every key of
// the batch; otherwise every key must have an outcome.
type resolveFunc func(ctx context.Context, batch []lookupKey) (map[lookupKey]outcome, error)

// batcher gathers the lookups of concurrent messages into batches of up to
// size keys. A batch is resolved when it is full; when no key has joined it
// for its quiet window, no message is on its way to it and no other batch is
// being resolved (messages of a burst do not arrive at the same instant, so
// the window restarts with each new key); or maxWait after its first key,
// whichever comes first. A key already waiting or in flight is not asked
// again: later lookups join its call (singleflight, within this process).
//
// The quiet window grows with the batch (quietWindow): a lone lookup waits
// window, a batch that many keys have joined is evidently part of a burst
// and waits longer for the burst's next keys. Messages reach the enricher in
// clumps with gaps between them that no queue count shows (a STOMP broker
// hands the bridge prefetch-sized groups, and each group is published once
// the previous one is acknowledged), and on a loaded machine those gaps
// outlast a short window.
type batcher struct {
	resolve resolveFunc
	window  time.Duration
	maxWait time.Duration
	size    int
	// base is the lifetime of the resolutions: they outlive the lookups
	// that started them, so one caller giving up does not fail the others.
	base    context.Context
	timeout time.Duration
	// coming, when set, counts messages about to look something up; the
	// window does not close on them.
	coming *Arrivals
	// staged: the lookups go on to another stage (the cache stage's
	// misses go to the Iris stage), so joining this batcher does not mark
	// a message arrived; the caller does when it has no further stage.
	staged bool

	mu       sync.Mutex
	inflight map[lookupKey]*call // key -> its pending or running call
	pending  []lookupKey         // keys of the batch being gathered
	first    time.Time           // when the first pending key joined
	timer    *time.Timer
	gen      uint64 // batch generation, so a stale timer flushes nothing
	running  int    // batches being resolved
	wg       sync.WaitGroup
}

// call is one key's share of a batch.
type call struct {
	done chan struct{}
	outcome
}

func newBatcher(base context.Context, resolve resolveFunc, window, maxWait time.Duration, size int, timeout time.Duration) *batcher {
	return &batcher{resolve: resolve, window: window, maxWait: max(maxWait, window), size: size, base: base,
		timeout: timeout, inflight: map[lookupKey]*call{}}
}

// lookup resolves keys and waits for the answers or ctx. It returns the
// first error among the keys' outcomes.
func (b *batcher) lookup(ctx context.Context, keys []lookupKey) (map[string]Answer, error) {
	outs, err := b.outcomes(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Answer, len(outs))
	for k, o := range outs {
		if o.err != nil {
			return nil, o.err
		}
		out[k.domain] = o.res
	}
	return out, nil
}

// outcomes resolves keys and waits for each key's outcome or ctx; the
// error is ctx's.
func (b *batcher) outcomes(ctx context.Context, keys []lookupKey) (map[lookupKey]outcome, error) {
	calls := make(map[lookupKey]*call, len(keys))
	b.mu.Lock()
	for _, k := range keys {
		if _, dup := calls[k]; dup {
			continue
		}
		c, ok := b.inflight[k]
		if !ok {
			c = &call{done: make(chan struct{})}
			b.inflight[k] = c
			b.pending = append(b.pending, k)
			if len(b.pending) >= b.size {
				b.flushLocked()
			} else {
				b.armLocked()
			}
		}
		calls[k] = c
	}
	b.mu.Unlock()
	if !b.staged {
		arrivalFrom(ctx).Done()
	}

	out := make(map[lookupKey]outcome, len(calls))
	for k, c := range calls {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the lookup of %s: %w", k.domain, context.Cause(ctx))
		}
		out[k] = c.outcome
	}
	return out, nil
}

// armLocked (re)starts the timer of the pending batch after a key joined
// it: window from now, but no later than maxWait after the first key.
func (b *batcher) armLocked() {
	now := time.Now()
	if len(b.pending) == 1 {
		b.first = now
	}
	d := min(b.quietWindow(), b.first.Add(b.maxWait).Sub(now))
	if b.timer != nil {
		b.timer.Stop()
	}
	gen := b.gen
	b.timer = time.AfterFunc(max(d, 0), func() { b.flushTimer(gen) })
}

// burstWindows is how many windows a batch about to fill waits for its
// next key: the quiet window grows linearly from window (one key) to
// burstWindows × window (size keys), never beyond maxWait.
const burstWindows = 8

// quietWindow is how long the pending batch waits for its next key. b.mu
// is held.
func (b *batcher) quietWindow() time.Duration {
	n := max(len(b.pending)-1, 0)
	grow := time.Duration(int64(burstWindows-1) * int64(b.window) * int64(n) / int64(max(b.size-1, 1)))
	return min(b.window+grow, b.maxWait)
}

func (b *batcher) flushTimer(gen uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.gen {
		return
	}
	if (b.coming.Pending() > 0 || b.running > 0) && time.Since(b.first) < b.maxWait {
		// Messages are on their way to this batch, or an Iris call is in
		// flight (whose answer frees handlers whose messages come next):
		// keep it open.
		d := min(b.quietWindow(), time.Until(b.first.Add(b.maxWait)))
		b.timer = time.AfterFunc(max(d, 0), func() { b.flushTimer(gen) })
		return
	}
	b.flushLocked()
}

// flushLocked starts resolving the pending batch. b.mu is held.
func (b *batcher) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.pending) == 0 {
		return
	}
	batch := b.pending
	b.pending = nil
	b.gen++
	calls := make([]*call, len(batch))
	for i, k := range batch {
		calls[i] = b.inflight[k]
	}
	b.running++
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.run(batch, calls)
	}()
}

// wait flushes what is pending and blocks until every batch has finished.
func (b *batcher) wait() {
	b.mu.Lock()
	b.flushLocked()
	b.mu.Unlock()
	b.wg.Wait()
}

// run resolves one batch and answers its calls.
func (b *batcher) run(batch []lookupKey, calls []*call) {
	ctx, cancel := context.WithTimeout(b.base, b.timeout)
	defer cancel()
	outs, err := b.safeResolve(ctx, batch)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running--
	for i, k := range batch {
		c := calls[i]
		o, ok := outs[k]
		switch {
		case err != nil:
			c.err = err
		case !ok:
			c.err = fmt.Errorf("lookup of %s: no answer", k.domain)
		default:
			c.outcome = o
		}
		delete(b.inflight, k)
		close(c.done)
	}
}

func (b *batcher) safeResolve(ctx context.Context, batch []lookupKey) (outs map[lookupKey]outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lookup panic: %v", r)
		}
	}()
	return b.resolve(ctx, batch)
}
