package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// writeTally is what landed on a pass's incidents, read from the Resilient
// simulator.
type writeTally struct {
	writes     int // notes and rows
	duplicates int // a row of a domain, or a note text, beyond the first on its incident
	missing    int // artifact events whose row (or not-found note) never landed
	// examples names the first few duplicates, then the first few
	// missing writes, for the report.
	examples []string
}

// maxDuplicateExamples bounds writeTally.examples.
const maxDuplicateExamples = 5

// tallyWrites counts the writes on the pass's incidents. Every note text of
// the automatic playbook and of the auto-pivot names its domain, and an
// incident holds each domain once (one incident per cycle of the pass's
// domains), so a repeated row domain or note text is a duplicate write.
func tallyWrites(sim *resilientsim.Sim, org int64, load *passLoad) writeTally {
	var t writeTally
	for _, inc := range load.incidents {
		rows := map[string]int{}
		for _, r := range sim.Rows(org, inc, resilient.ResultsTable) {
			rows[cellString(r.Cells["domain_name"])]++
		}
		notes := map[string]int{}
		for _, n := range sim.Notes(org, inc) {
			notes[n.Text.Content]++
		}
		for _, k := range []struct {
			kind string
			m    map[string]int
		}{{"row", rows}, {"note", notes}} {
			for _, what := range slices.Sorted(maps.Keys(k.m)) {
				n, kind := k.m[what], k.kind
				t.writes += n
				t.duplicates += n - 1
				if n > 1 && len(t.examples) < maxDuplicateExamples {
					t.examples = append(t.examples, fmt.Sprintf("incident %d: %s %q ×%d", inc, kind, what, n))
				}
			}
		}
		for _, d := range load.expect[inc] {
			if rows[d] == 0 && notes[notFound(d)] == 0 {
				t.missing++
				if len(t.examples) < 2*maxDuplicateExamples {
					t.examples = append(t.examples, fmt.Sprintf("incident %d: no row or not-found note of %q", inc, d))
				}
			}
		}
	}
	return t
}

// countWrites is the number of notes and rows on the incidents.
func countWrites(sim *resilientsim.Sim, org int64, incidents []int64) int {
	n := 0
	for _, inc := range incidents {
		n += len(sim.Rows(org, inc, resilient.ResultsTable)) + len(sim.Notes(org, inc))
	}
	return n
}

func cellString(c resilient.Cell) string {
	if s, ok := c.Value.(string); ok {
		return s
	}
	return fmt.Sprint(c.Value)
}
