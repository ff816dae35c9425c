package profile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// Investigator looks domains up in Iris Investigate; *iris.Client
// implements it.
type Investigator interface {
	Investigate(ctx context.Context, domains []string) (*iris.Profiles, error)
}

// Defaults of Config.
const (
	DefaultTTL    = config.DefaultProfileTTL
	DefaultWindow = config.DefaultBatchWindow
	// DefaultSize is also the most domains Iris accepts in one call.
	DefaultSize = 100
)

// batchTimeout bounds the resolution of one batch: the cache read, the
// Iris call (with the client's own retries and quota waits) and the save.
const batchTimeout = 3 * time.Minute

// Config configures a Profiler. Store and Iris are required.
type Config struct {
	// Store keeps the profile history, which is the cache.
	Store *store.Store
	// Iris answers the cold domains; usually an *iris.Client whose Limiter
	// is the store's shared quota.
	Iris Investigator
	// TTL is how long a stored profile answers without asking Iris.
	// Default 24h.
	TTL time.Duration
	// Window: a batch is sent when no lookup joined it for this long (and no
	// message is on its way to it and no other batch is being resolved).
	// A batch that many lookups have joined is part of a burst and waits
	// longer, up to 8 × Window when it is about to fill. Default 25ms.
	Window time.Duration
	// MaxWait: a batch is sent at the latest this long after its first
	// lookup. It only matters while messages are on their way or another
	// batch is being resolved, so it is generous: a burst handled slowly
	// (a loaded machine) still fills whole batches. Default 40 × Window
	// (1s with the default Window).
	MaxWait time.Duration
	// Size: a batch is sent when it holds this many domains. Default and
	// maximum 100.
	Size int
	// Arrivals, when set, counts messages on their way to a lookup; batches
	// wait for them (see Arrivals).
	Arrivals *Arrivals
	// Observe, when set, sees the outcome of every Iris call (for
	// readiness: a success after an auth failure).
	Observe func(error)
	// CacheLookup, when set, is told of every lookup: answered by the
	// store (hit, with the stored profile's age) or not (a miss, also a
	// forced refresh) — metrics; obs.Metrics.CacheLookup.
	CacheLookup func(hit bool, age time.Duration)
	// Now is the clock of answers' FetchedAt and Age. Default time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	// The store counts ages in microseconds and reads 0 as "any age".
	c.TTL = max(c.TTL, time.Microsecond)
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.MaxWait < c.Window {
		c.MaxWait = 40 * c.Window
	}
	if c.Size <= 0 || c.Size > DefaultSize {
		c.Size = DefaultSize
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Answer is the profile of one domain.
type Answer struct {
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
func (a Answer) Found() bool { return a.Result != nil }

// Profiler answers profile lookups in two stages. The cache stage gathers
// the lookups of concurrent callers for at most Window and reads the
// store's profile history once per batch: a fetch younger than the TTL
// answers at once, so a warm lookup never waits for a batch to fill. The
// misses (and forced refreshes) go on to the Iris stage, whose batches wait
// for the messages on their way (Arrivals) so that cold domains fill whole
// Iris requests; it reads the cache once more (another replica may have
// fetched the domain meanwhile), then asks Iris for the cold domains. The
// cold domains of batches resolving at the same time share Iris requests
// while they wait for a quota token (see coalescer); each request's answers
// are saved (negative entries for domains Iris has no data for) in one bulk
// write.
type Profiler struct {
	cfg       Config
	cache     *batcher   // the cache stage: hits, within Window
	batcher   *batcher   // the Iris stage: misses, into whole Iris requests
	coalescer *coalescer // the cold domains of concurrent batches, into Iris requests
	decoded   *decoded   // stored results already decoded
}

// New returns a Profiler; base bounds the life of its batches, which
// outlive the lookups that started them (one caller giving up does not
// fail the others). Close it when done.
func New(base context.Context, cfg Config) (*Profiler, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("config: Store is required"))
	}
	if cfg.Iris == nil {
		errs = append(errs, errors.New("config: Iris is required"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("profile: config: %w", errors.Join(errs...))
	}
	p := &Profiler{cfg: cfg.withDefaults(), decoded: newDecoded(decodedBytes)}
	p.batcher = newBatcher(base, p.resolve, p.cfg.Window, p.cfg.MaxWait, p.cfg.Size, batchTimeout)
	p.batcher.coming = p.cfg.Arrivals
	p.cache = newBatcher(base, p.resolveCached, p.cfg.Window, p.cfg.Window, p.cfg.Size, batchTimeout)
	p.cache.staged = true
	p.coalescer = &coalescer{reserve: reserveOf(p.cfg.Iris), fetch: p.fetch, size: p.cfg.Size, base: base, timeout: batchTimeout}
	return p, nil
}

// reserveOf is inv's Reserve, or none (each request waits for its own token
// in inv) when inv is not a Reserver.
func reserveOf(inv Investigator) func(context.Context, func() bool) (context.Context, error) {
	if r, ok := inv.(Reserver); ok {
		return r.Reserve
	}
	return func(ctx context.Context, _ func() bool) (context.Context, error) { return ctx, ctx.Err() }
}

// Profile returns the profile of each of domains (normalised ASCII names),
// keyed by domain. force skips the cache. A domain Iris refuses on its own
// fails with a *DomainError; Iris or the store failing gives their error.
func (p *Profiler) Profile(ctx context.Context, domains []string, force bool) (map[string]Answer, error) {
	keys := make([]lookupKey, len(domains))
	for i, d := range domains {
		keys[i] = lookupKey{domain: d, force: force}
	}
	if force {
		return p.batcher.lookup(ctx, keys)
	}
	outs, err := p.cache.outcomes(ctx, keys)
	if err != nil {
		arrivalFrom(ctx).Done()
		return nil, err
	}
	answers := make(map[string]Answer, len(keys))
	var cold []lookupKey
	for k, o := range outs {
		switch {
		case o.err == nil:
			answers[k.domain] = o.res
		case errors.Is(o.err, errNotCached):
			cold = append(cold, k)
		default:
			arrivalFrom(ctx).Done()
			return nil, o.err
		}
	}
	if len(cold) == 0 {
		arrivalFrom(ctx).Done()
		return answers, nil
	}
	more, err := p.batcher.lookup(ctx, cold)
	if err != nil {
		return nil, err
	}
	maps.Copy(answers, more)
	return answers, nil
}

// errNotCached is the cache stage's outcome for a domain the store has no
// usable fetch of within the TTL: it goes on to the Iris stage.
var errNotCached = errors.New("profile: not cached")

// resolveCached answers one batch of the cache stage from the store; the
// others are errNotCached. Misses are counted by the Iris stage, which
// reads the cache again.
func (p *Profiler) resolveCached(ctx context.Context, batch []lookupKey) (map[lookupKey]outcome, error) {
	domains := make([]string, len(batch))
	for i, k := range batch {
		domains[i] = k.domain
	}
	cached, err := p.cfg.Store.LatestProfiles(ctx, domains, p.cfg.TTL)
	if err != nil {
		return nil, fmt.Errorf("profile cache: %w", err)
	}
	now := p.cfg.Now()
	out := make(map[lookupKey]outcome, len(batch))
	for _, k := range batch {
		if sp, ok := cached[k.domain]; ok {
			if a, err := p.fromStore(sp, now); err == nil {
				out[k] = outcome{res: a}
				p.cacheLookup(true, a.Age)
				continue
			} // an unusable cache row: the Iris stage asks Iris again
		}
		out[k] = outcome{err: errNotCached}
	}
	return out, nil
}

// One returns the profile of one domain (a normalised ASCII name).
func (p *Profiler) One(ctx context.Context, domain string, force bool) (Answer, error) {
	out, err := p.Profile(ctx, []string{domain}, force)
	if err != nil {
		return Answer{}, err
	}
	a, ok := out[domain]
	if !ok {
		return Answer{}, fmt.Errorf("profile of %s: no answer", domain)
	}
	return a, nil
}

// Close waits for the batches and Iris requests in flight.
func (p *Profiler) Close() {
	p.cache.wait()
	p.batcher.wait()
	p.coalescer.wait()
}

func (p *Profiler) cacheLookup(hit bool, age time.Duration) {
	if p.cfg.CacheLookup != nil {
		p.cfg.CacheLookup(hit, age)
	}
}

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
		if cached, err = p.cfg.Store.LatestProfiles(ctx, warm, p.cfg.TTL); err != nil {
			return nil, fmt.Errorf("profile cache: %w", err)
		}
	}
	now := p.cfg.Now()
	var cold []string
	coldSeen := map[string]bool{}
	for _, k := range batch {
		if sp, ok := cached[k.domain]; ok && !k.force {
			if a, err := p.fromStore(sp, now); err == nil {
				out[k] = outcome{res: a}
				p.cacheLookup(true, a.Age)
				continue
			} // an unusable cache row: ask Iris again
		}
		p.cacheLookup(false, 0)
		if !coldSeen[k.domain] {
			coldSeen[k.domain] = true
			cold = append(cold, k.domain)
		}
	}
	if len(cold) == 0 {
		return out, nil
	}
	start := time.Now()
	results, errs, err := p.coalescer.lookup(ctx, cold)
	p.cfg.Logger.Debug("iris lookup", "domains", len(cold), "cached", len(batch)-len(cold), "elapsed", time.Since(start), "err", err)
	if err != nil {
		return nil, err
	}
	fetched := p.cfg.Now()
	for _, k := range batch {
		if _, done := out[k]; done {
			continue
		}
		if e := errs[k.domain]; e != nil {
			out[k] = outcome{err: e}
			continue
		}
		out[k] = outcome{res: Answer{Domain: k.domain, Result: results[k.domain], FetchedAt: fetched}}
	}
	return out, nil
}

// fetch looks one Iris request's domains up and saves the answers.
func (p *Profiler) fetch(ctx context.Context, domains []string) (map[string]*iris.Result, map[string]error, error) {
	results, errs, err := p.investigate(ctx, domains)
	if err != nil {
		return nil, nil, err
	}
	if err := p.save(ctx, domains, results, errs); err != nil {
		return nil, nil, err
	}
	return results, errs, nil
}

// fromStore is FromStore with the decoded results of recent reads kept:
// a cached profile is decoded once per fetch, not once per lookup.
func (p *Profiler) fromStore(sp store.Profile, now time.Time) (Answer, error) {
	if sp.Source != store.SourceInvestigate || !sp.Found {
		return FromStore(sp, now)
	}
	k := keyOf(sp.Domain, sp.FetchedAt)
	if r, ok := p.decoded.get(k); ok {
		return Answer{Domain: sp.Domain, Result: r, FetchedAt: sp.FetchedAt, Cached: true, Age: max(now.Sub(sp.FetchedAt), 0)}, nil
	}
	a, err := FromStore(sp, now)
	if err == nil && a.Result != nil {
		p.decoded.put(k, a.Result)
	}
	return a, err
}

// investigate asks Iris for domains. A batch Iris refuses as a bad request
// is split in halves until the domain at fault is alone; that domain gets
// its own error in errs and the others are answered. results maps every
// answered domain to its result, nil when Iris has no data.
func (p *Profiler) investigate(ctx context.Context, domains []string) (results map[string]*iris.Result, errs map[string]error, err error) {
	results, errs = map[string]*iris.Result{}, map[string]error{}
	var walk func([]string) error
	walk = func(ds []string) error {
		ps, err := p.cfg.Iris.Investigate(ctx, ds)
		if p.cfg.Observe != nil {
			p.cfg.Observe(err)
		}
		if err != nil {
			if !errors.Is(err, iris.ErrBadRequest) {
				return err
			}
			if len(ds) == 1 {
				errs[ds[0]] = &DomainError{Domain: ds[0], Err: err}
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
			ps = append(ps, Negative(d))
			continue
		}
		sp, err := ToStore(d, r)
		if err != nil {
			return err
		}
		ps = append(ps, sp)
	}
	if err := p.cfg.Store.SaveProfiles(ctx, ps); err != nil {
		return fmt.Errorf("save iris profiles: %w", err)
	}
	return nil
}
