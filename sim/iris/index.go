package irissim

import (
	"slices"
	"time"
)

// index holds the synthetic domains and, per pivot parameter, the domains
// carrying each (normalised) value. Domain ids are positions in the sorted
// name list, so every posting list is sorted by domain name.
type index struct {
	recs   []*record
	byName map[string]int32
	vals   map[string]map[string][]int32
}

type pair struct{ p, v string }

func buildIndex(recs []*record) *index {
	slices.SortFunc(recs, func(a, b *record) int { return compareStrings(a.Name, b.Name) })
	ix := &index{
		recs:   recs,
		byName: make(map[string]int32, len(recs)),
		vals:   make(map[string]map[string][]int32, 64),
	}
	seen := make(map[pair]struct{}, 128)
	for i, r := range recs {
		ix.byName[r.Name] = int32(i)
		clear(seen)
		r.pivots(func(p, v string) {
			k := norm(v)
			if k == "" {
				return
			}
			pk := pair{p, k}
			if _, dup := seen[pk]; dup {
				return
			}
			seen[pk] = struct{}{}
			m := ix.vals[p]
			if m == nil {
				m = make(map[string][]int32)
				ix.vals[p] = m
			}
			m[k] = append(m[k], int32(i))
		})
	}
	return ix
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ids returns the posting list of param=value (sorted ids; do not modify).
func (ix *index) ids(param, value string) []int32 {
	return ix.vals[param][norm(value)]
}

// count is the guided-pivot count of a value: 0 when empty.
func (ix *index) count(param, value string) int {
	return len(ix.ids(param, value))
}

func (ix *index) names(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ix.recs[id].Name
	}
	return out
}

// intersect returns the ids present in both sorted lists.
func intersect(a, b []int32) []int32 {
	out := make([]int32, 0, min(len(a), len(b)))
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// union returns the sorted union of sorted lists.
func union(lists ...[]int32) []int32 {
	var out []int32
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
