package pivoter

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/work"
)

// discoverWorker answers Discover Actionable Pivots: dt_iris_data_in (the
// profile a workflow got from Profile Domain with Iris) and dt_pivot_count
// (default Threshold) → {"dt_pivot_data", "pivots", "threshold"}. A result
// set without results (domain not found) has no pivots; input that is not
// Iris data is bad input.
type discoverWorker struct{ p *pivoter }

type discoverCall struct {
	threshold int
	results   []*iris.Result
}

func (w discoverWorker) Inputs(m *work.Message) (discoverCall, error) {
	in, err := m.Inputs()
	if err != nil {
		return discoverCall{}, err
	}
	th, err := threshold(in, w.p.cfg.Threshold)
	if err != nil {
		return discoverCall{}, err
	}
	data, _ := in.String(inIrisData)
	results, err := seed.ParseIrisData(data)
	if err != nil {
		return discoverCall{}, work.BadInput("%s: %v", inIrisData, err)
	}
	return discoverCall{threshold: th, results: results}, nil
}

func (w discoverWorker) Work(_ context.Context, c *work.Call[discoverCall]) (pivot.Output, error) {
	pivots := discoverAll(c.In.results, c.In.threshold)
	c.Log.Info("pivots discovered", "results", len(c.In.results), "pivots", len(pivots), "threshold", c.In.threshold)
	return pivot.DiscoverOutput(pivots, c.In.threshold), nil
}

// discoverAll is pivot.Discover over several results, merged: one pivot per
// (type, value), values compared case-insensitively as Discover does, with
// the largest count, in Discover's order.
func discoverAll(results []*iris.Result, threshold int) []pivot.Pivot {
	if len(results) == 1 {
		return pivot.Discover(results[0], threshold)
	}
	type key struct{ t, v string }
	idx := map[key]int{}
	var out []pivot.Pivot
	for _, r := range results {
		for _, pv := range pivot.Discover(r, threshold) {
			k := key{pv.Type, strings.ToLower(pv.Value)}
			if i, ok := idx[k]; ok {
				out[i].Count = max(out[i].Count, pv.Count)
				continue
			}
			idx[k] = len(out)
			out = append(out, pv)
		}
	}
	slices.SortFunc(out, func(a, b pivot.Pivot) int {
		return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value))
	})
	return out
}
