package enricher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// batchTimeout bounds the resolution of one batch: the cache read, the
// Iris call (with the client's own retries and quota waits) and the save.
const batchTimeout = 3 * time.Minute

// BatchConfig shapes the batches of a Profiler (see Config for defaults).
type BatchConfig struct {
	// Window: a batch is sent when no lookup joined it for this long.
	Window time.Duration
	// MaxWait: a batch is sent at the latest this long after its first lookup.
	MaxWait time.Duration
	// Size: a batch is sent when it holds this many domains (at most 100).
	Size int
}

// Profiled is the answer for one domain.
type Profiled struct {
	// Domain is the normalised (ASCII) domain.
	Domain string
	// Result is Iris's profile; nil when Iris has no data for the domain.
	Result *iris.Result
	// FetchedAt is when Iris answered.
	FetchedAt time.Time
	// Cached is true when the answer came from the store, not from Iris now.
	Cached bool
	// Age is how old a cached answer is.
	Age time.Duration
}

// Found reports whether Iris has data for the domain.
func (p Profiled) Found() bool { return p.Result != nil }

// Profiler answers profile lookups. Lookups of concurrent messages are
// gathered into batches (see batcher); for each batch it reads the store's
// profile history once (the cache: a fetch younger than the TTL answers),
// asks Iris once for the cold domains, saves the answers (negative entries
// for domains Iris has no data for) in one bulk write, then answers.
type Profiler struct {
	store   *store.Store
	iris    Investigator
	ttl     time.Duration
	now     func() time.Time
	log     *slog.Logger
	batcher *batcher
	// observe, when set, sees the outcome of every Iris call.
	observe func(error)
}

// NewProfiler returns a Profiler; base bounds the life of its batches
// (they outlive the lookups that started them).
func NewProfiler(base context.Context, st *store.Store, ir Investigator, ttl time.Duration, b BatchConfig,
	now func() time.Time, log *slog.Logger) *Profiler {
	p := &Profiler{store: st, iris: ir, ttl: ttl, now: now, log: log}
	p.batcher = newBatcher(base, p.resolve, b.Window, b.MaxWait, b.Size, batchTimeout)
	return p
}

// Profile returns the profile of each of domains (normalised ASCII names),
// keyed by domain. force skips the cache. A domain Iris refuses on its own
// fails with a *domainError; Iris or the store failing gives their error.
func (p *Profiler) Profile(ctx context.Context, domains []string, force bool) (map[string]Profiled, error) {
	keys := make([]lookupKey, len(domains))
	for i, d := range domains {
		keys[i] = lookupKey{domain: d, force: force}
	}
	return p.batcher.lookup(ctx, keys)
}

// Close waits for the batches in flight.
func (p *Profiler) Close() { p.batcher.wait() }

// resolve answers one batch: cache, then Iris for the cold domains.
func (p *Profiler) resolve(ctx context.Context, batch []lookupKey) (map[lookupKey]outcome, error) {
	out := make(map[lookupKey]outcome, len(batch))
	var warm []string
	for _, k := range batch {
		if !k.force {
			warm = append(warm, k.domain)
		}
	}
	cached := map[string]store.Profile{}
	if len(warm) > 0 {
		var err error
		if cached, err = p.store.LatestProfiles(ctx, warm, p.ttl); err != nil {
			return nil, fmt.Errorf("profile cache: %w", err)
		}
	}
	now := p.now()
	var cold []string
	coldSeen := map[string]bool{}
	for _, k := range batch {
		if sp, ok := cached[k.domain]; ok && !k.force {
			if pr, err := fromStore(sp, now); err == nil {
				out[k] = outcome{res: pr}
				continue
			} // an unreadable cache row: ask Iris again
		}
		if !coldSeen[k.domain] {
			coldSeen[k.domain] = true
			cold = append(cold, k.domain)
		}
	}
	if len(cold) == 0 {
		return out, nil
	}
	start := time.Now()
	results, errs, err := p.investigate(ctx, cold)
	p.log.Debug("iris lookup", "domains", len(cold), "cached", len(batch)-len(cold), "elapsed", time.Since(start), "err", err)
	if err != nil {
		return nil, err
	}
	if err := p.save(ctx, cold, results, errs); err != nil {
		return nil, err
	}
	fetched := p.now()
	for _, k := range batch {
		if _, done := out[k]; done {
			continue
		}
		if e := errs[k.domain]; e != nil {
			out[k] = outcome{err: e}
			continue
		}
		out[k] = outcome{res: Profiled{Domain: k.domain, Result: results[k.domain], FetchedAt: fetched}}
	}
	return out, nil
}

// investigate asks Iris for domains. A batch Iris refuses as a bad request
// is split in halves until the domain at fault is alone; that domain gets
// its own error in errs and the others are answered. results maps every
// answered domain to its result, nil when Iris has no data.
func (p *Profiler) investigate(ctx context.Context, domains []string) (results map[string]*iris.Result, errs map[string]error, err error) {
	results, errs = map[string]*iris.Result{}, map[string]error{}
	var walk func([]string) error
	walk = func(ds []string) error {
		ps, err := p.iris.Investigate(ctx, ds)
		if p.observe != nil {
			p.observe(err)
		}
		if err != nil {
			if !errors.Is(err, iris.ErrBadRequest) {
				return err
			}
			if len(ds) == 1 {
				errs[ds[0]] = &domainError{domain: ds[0], err: err}
				return nil
			}
			if err := walk(ds[:len(ds)/2]); err != nil {
				return err
			}
			return walk(ds[len(ds)/2:])
		}
		byName := indexProfiles(ps)
		for _, d := range ds {
			results[d] = byName[d] // nil: missing, or left out of the answer
		}
		return nil
	}
	if err := walk(domains); err != nil {
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

// save writes the answers (negative entries for domains without data) in
// one bulk write.
func (p *Profiler) save(ctx context.Context, domains []string, results map[string]*iris.Result, errs map[string]error) error {
	ps := make([]store.Profile, 0, len(domains))
	for _, d := range domains {
		if errs[d] != nil {
			continue
		}
		r := results[d]
		if r == nil {
			ps = append(ps, negativeProfile(d))
			continue
		}
		sp, err := storeProfile(d, r)
		if err != nil {
			return err
		}
		ps = append(ps, sp)
	}
	if err := p.store.SaveProfiles(ctx, ps); err != nil {
		return fmt.Errorf("save iris profiles: %w", err)
	}
	return nil
}

func fromStore(sp store.Profile, now time.Time) (Profiled, error) {
	pr := Profiled{Domain: sp.Domain, FetchedAt: sp.FetchedAt, Cached: true, Age: max(now.Sub(sp.FetchedAt), 0)}
	if !sp.Found {
		return pr, nil
	}
	var r iris.Result
	if err := json.Unmarshal(sp.Raw, &r); err != nil {
		return pr, fmt.Errorf("decode cached profile of %s: %w", sp.Domain, err)
	}
	pr.Result = &r
	return pr, nil
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
