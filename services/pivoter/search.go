package pivoter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/store"
)

// searchOutcome is one pivot search's answer, from Iris or the store.
type searchOutcome struct {
	Param, Value string
	Filters      map[string]string
	// Total is Iris's total_count.
	Total int
	// LimitExceeded is true when Iris refused the search as too large.
	LimitExceeded bool
	// Found are the domains, normalised, in Iris's order.
	Found []pivot.Found
	// Cached is true when the answer came from the store; FetchedAt is when
	// Iris gave it.
	Cached    bool
	FetchedAt time.Time
}

// search runs the pivot search param=value with filters: from the store
// when a stored answer is younger than SearchTTL, else from Iris (to the end
// or MaxResults), saving the answer. Concurrent identical searches in this
// replica share one Iris call. Iris's limit_exceeded is an outcome, not an
// error.
func (p *pivoter) search(ctx context.Context, param, value string, filters map[string]string) (*searchOutcome, error) {
	key := pivot.FiltersKey(filters)
	ps, ok, err := p.cfg.Store.LatestPivotSearch(ctx, param, value, key, p.cfg.SearchTTL)
	if err != nil {
		return nil, fmt.Errorf("search %s=%s: %w", param, value, err)
	}
	if ok {
		return outcomeFromStore(ps, filters), nil
	}
	// The shared call runs detached from any one caller's cancellation (a
	// caller that gives up does not fail the others, and the answer is
	// still saved); each caller waits under its own context.
	ch := p.flights.DoChan(param+"\x00"+value+"\x00"+key, func() (any, error) {
		return p.searchIris(context.WithoutCancel(ctx), param, value, filters, key)
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("search %s=%s: %w", param, value, context.Cause(ctx))
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		out := *r.Val.(*searchOutcome)
		return &out, nil
	}
}

func (p *pivoter) searchIris(ctx context.Context, param, value string, filters map[string]string, key string) (*searchOutcome, error) {
	q := iris.NewQuery(param, value)
	for _, f := range slices.Sorted(maps.Keys(filters)) {
		q = q.With(f, filters[f])
	}
	out := &searchOutcome{Param: param, Value: value, Filters: filters, FetchedAt: p.cfg.Now()}
	res, err := p.cfg.Iris.Search(ctx, q, iris.WithMaxResults(p.cfg.MaxResults))
	var ie *iris.Error
	switch {
	case errors.Is(err, iris.ErrLimitExceeded) && errors.As(err, &ie):
		p.workers.IrisAnswered(nil)
		out.LimitExceeded = true
		out.Total = ie.TotalCount
	case err != nil:
		return nil, fmt.Errorf("search %s=%s: %w", param, value, err)
	default:
		p.workers.IrisAnswered(nil)
		out.Total = res.TotalCount
		seen := make(map[string]bool, len(res.Results))
		for i := range res.Results {
			r := &res.Results[i]
			d, err := store.NormalizeDomain(r.Domain)
			if err != nil || seen[d] {
				continue // Iris never sends an empty domain; skip rather than fail the run
			}
			seen[d] = true
			f := pivot.Found{Domain: d}
			if s, ok := r.RiskScore(); ok {
				f.RiskScore = &s
			}
			out.Found = append(out.Found, f)
		}
		out.Total = max(out.Total, len(out.Found))
	}
	results := make([]store.PivotResult, len(out.Found))
	for i, f := range out.Found {
		results[i] = store.PivotResult{Domain: f.Domain, RiskScore: f.RiskScore}
	}
	if err := p.cfg.Store.SavePivotSearch(ctx, store.PivotSearch{
		Type: param, Value: value, FiltersKey: key,
		TotalCount: out.Total, LimitExceeded: out.LimitExceeded, Results: results,
	}); err != nil {
		// The answer is good; only the cache missed it.
		p.log.Warn("pivot search not saved", "type", param, "value", value, "err", err)
	}
	return out, nil
}

func outcomeFromStore(ps *store.PivotSearch, filters map[string]string) *searchOutcome {
	out := &searchOutcome{
		Param: ps.Type, Value: ps.Value, Filters: filters,
		Total: ps.TotalCount, LimitExceeded: ps.LimitExceeded,
		Cached: true, FetchedAt: ps.FetchedAt,
		Found: make([]pivot.Found, len(ps.Results)),
	}
	for i, r := range ps.Results {
		out.Found[i] = pivot.Found{Domain: r.Domain, RiskScore: r.RiskScore}
	}
	return out
}

// byRisk returns fs sorted by risk score, highest first (unknown last), then
// domain: the order in which finds become artifacts under the caps.
func byRisk(fs []pivot.Found) []pivot.Found {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b pivot.Found) int {
		return cmp.Or(cmp.Compare(score(b), score(a)), cmp.Compare(a.Domain, b.Domain))
	})
	return out
}

func score(f pivot.Found) int {
	if f.RiskScore == nil {
		return -1
	}
	return *f.RiskScore
}
