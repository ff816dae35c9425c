package enricher

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

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

// Profiler answers profile lookups from the store's profile history when a
// fetch younger than the TTL exists, and from Iris (through the batcher)
// otherwise.
type Profiler struct {
	store   *store.Store
	ttl     time.Duration
	batcher *batcher
	now     func() time.Time
}

// Profile returns the profile of each of domains (normalised ASCII names),
// keyed by domain. force skips the cache. A domain Iris rejects on its own
// gets no entry and its error is in errs; err is set when nothing could be
// answered for a reason that is not the domain's fault (Iris or the store
// failing).
func (p *Profiler) Profile(ctx context.Context, domains []string, force bool) (map[string]Profiled, error) {
	out := make(map[string]Profiled, len(domains))
	cold := domains
	if !force {
		cached, err := p.store.LatestProfiles(ctx, domains, p.ttl)
		if err != nil {
			return nil, fmt.Errorf("profile cache: %w", err)
		}
		cold = cold[:0:0]
		now := p.now()
		for _, d := range domains {
			sp, ok := cached[d]
			if !ok {
				cold = append(cold, d)
				continue
			}
			pr, err := fromStore(sp, now)
			if err != nil { // an unreadable cache row: ask Iris again
				cold = append(cold, d)
				continue
			}
			out[d] = pr
		}
	}
	if len(cold) == 0 {
		return out, nil
	}
	fresh, err := p.batcher.lookup(ctx, cold)
	if err != nil {
		return nil, err
	}
	for d, pr := range fresh {
		out[d] = pr
	}
	return out, nil
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
