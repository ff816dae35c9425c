package pivoter

import (
	"slices"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

// cluster returns the first cluster of the universe sharing param, with
// between min and max members.
func cluster(t testing.TB, sim *irissim.Server, param string, min, max int) irissim.Cluster {
	t.Helper()
	for _, c := range sim.Clusters() {
		if _, ok := c.Shared[param]; ok && len(c.Domains) >= min && len(c.Domains) <= max {
			return c
		}
	}
	t.Fatalf("no cluster sharing %s with %d..%d members", param, min, max)
	return irissim.Cluster{}
}

// normalized returns ds normalised as the store does, sorted.
func normalized(t testing.TB, ds []string) []string {
	t.Helper()
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		n, err := store.NormalizeDomain(d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func without(ds []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(ds), func(d string) bool { return slices.Contains(drop, d) })
}
