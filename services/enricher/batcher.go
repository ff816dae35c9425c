package enricher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// batchTimeout bounds one Iris call plus the save of its results; the Iris
// client's own retries and the shared quota wait happen inside it.
const batchTimeout = 3 * time.Minute

// batcher gathers the cold domains of concurrent lookups into Iris calls of
// up to size domains, sent when the batch is full or window after its first
// domain. A domain already waiting or in flight is not asked again: later
// lookups join its call (singleflight, within this process). Results,
// including negative entries for domains Iris has no data for, are saved to
// the store in one bulk write before anyone is answered.
type batcher struct {
	iris   Investigator
	save   func(context.Context, []store.Profile) error
	window time.Duration
	size   int
	now    func() time.Time
	log    *slog.Logger
	// base is the lifetime of the calls: they outlive the lookups that
	// started them, so one caller giving up does not fail the others.
	base context.Context
	// observe, when set, sees the outcome of every Iris call.
	observe func(error)

	mu       sync.Mutex
	inflight map[string]*call // domain -> its pending or running call
	pending  []string         // domains of the batch being gathered
	timer    *time.Timer
	wg       sync.WaitGroup
}

// call is one domain's share of an Iris call.
type call struct {
	done chan struct{}
	res  Profiled
	err  error
}

func newBatcher(base context.Context, iris Investigator, save func(context.Context, []store.Profile) error,
	window time.Duration, size int, now func() time.Time, log *slog.Logger) *batcher {
	return &batcher{
		iris: iris, save: save, window: window, size: size, now: now, log: log,
		base: base, inflight: map[string]*call{},
	}
}

// lookup asks Iris for domains (normalised) and waits for the answers or
// ctx. The first domain error, or the batch's error, is returned.
func (b *batcher) lookup(ctx context.Context, domains []string) (map[string]Profiled, error) {
	calls := make(map[string]*call, len(domains))
	b.mu.Lock()
	for _, d := range domains {
		if _, dup := calls[d]; dup {
			continue
		}
		c, ok := b.inflight[d]
		if !ok {
			c = &call{done: make(chan struct{})}
			b.inflight[d] = c
			b.pending = append(b.pending, d)
			if len(b.pending) >= b.size {
				b.flushLocked()
			} else if b.timer == nil {
				b.timer = time.AfterFunc(b.window, b.flushTimer)
			}
		}
		calls[d] = c
	}
	b.mu.Unlock()

	out := make(map[string]Profiled, len(calls))
	for d, c := range calls {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for iris lookup of %s: %w", d, context.Cause(ctx))
		}
		if c.err != nil {
			return nil, c.err
		}
		out[d] = c.res
	}
	return out, nil
}

func (b *batcher) flushTimer() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

// flushLocked starts the Iris call of the pending batch. b.mu is held.
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
	calls := make([]*call, len(batch))
	for i, d := range batch {
		calls[i] = b.inflight[d]
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.run(batch, calls)
	}()
}

// wait blocks until every started call has finished.
func (b *batcher) wait() {
	b.mu.Lock()
	b.flushLocked()
	b.mu.Unlock()
	b.wg.Wait()
}

// run performs one Iris call for batch and answers its calls.
func (b *batcher) run(batch []string, calls []*call) {
	ctx, cancel := context.WithTimeout(b.base, batchTimeout)
	defer cancel()
	start := time.Now()
	results, errs, err := b.investigate(ctx, batch)
	if err == nil {
		err = b.saveResults(ctx, batch, results, errs)
	}
	b.log.Debug("iris batch", "domains", len(batch), "elapsed", time.Since(start), "err", err)
	now := b.now()
	b.mu.Lock()
	for i, d := range batch {
		c := calls[i]
		switch {
		case err != nil:
			c.err = err
		case errs[d] != nil:
			c.err = errs[d]
		default:
			c.res = Profiled{Domain: d, Result: results[d], FetchedAt: now}
		}
		delete(b.inflight, d)
		close(c.done)
	}
	b.mu.Unlock()
}

// investigate asks Iris for batch. A batch Iris refuses as a bad request is
// split in halves until the domain at fault is alone; that domain gets its
// own error in errs and the others are answered. results maps every
// answered domain to its result, nil when Iris has no data.
func (b *batcher) investigate(ctx context.Context, batch []string) (results map[string]*iris.Result, errs map[string]error, err error) {
	results, errs = map[string]*iris.Result{}, map[string]error{}
	var walk func([]string) error
	walk = func(ds []string) error {
		ps, err := b.iris.Investigate(ctx, ds)
		if b.observe != nil {
			b.observe(err)
		}
		if err != nil {
			if errors.Is(err, iris.ErrBadRequest) {
				if len(ds) == 1 {
					errs[ds[0]] = &domainError{domain: ds[0], err: err}
					return nil
				}
				if err := walk(ds[:len(ds)/2]); err != nil {
					return err
				}
				return walk(ds[len(ds)/2:])
			}
			return err
		}
		byName := indexProfiles(ps)
		for _, d := range ds {
			results[d] = byName[d] // nil: missing, or not in the answer at all
		}
		return nil
	}
	if err := walk(batch); err != nil {
		return nil, nil, err
	}
	return results, errs, nil
}

// indexProfiles keys an Iris answer by normalised ASCII domain, whatever
// form (Unicode, upper case) the client or Iris used.
func indexProfiles(ps *iris.Profiles) map[string]*iris.Result {
	out := map[string]*iris.Result{}
	if ps == nil {
		return out
	}
	for k, r := range ps.ByDomain {
		if r == nil {
			continue
		}
		for _, name := range []string{k, r.Domain} {
			if n, err := domain.Normalize(name); err == nil {
				out[n.ASCII] = r
			}
		}
	}
	return out
}

// saveResults writes the batch's answers (negative entries for domains
// without data) in one bulk write.
func (b *batcher) saveResults(ctx context.Context, batch []string, results map[string]*iris.Result, errs map[string]error) error {
	ps := make([]store.Profile, 0, len(batch))
	for _, d := range batch {
		if errs[d] != nil {
			continue
		}
		r := results[d]
		if r == nil {
			ps = append(ps, negativeProfile(d))
			continue
		}
		p, err := storeProfile(d, r)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	if err := b.save(ctx, ps); err != nil {
		return fmt.Errorf("save iris profiles: %w", err)
	}
	return nil
}

// domainError is Iris refusing one domain on its own.
type domainError struct {
	domain string
	err    error
}

func (e *domainError) Error() string {
	return fmt.Sprintf("DomainTools Iris refused %s: %v", e.domain, e.err)
}

func (e *domainError) Unwrap() error { return e.err }
