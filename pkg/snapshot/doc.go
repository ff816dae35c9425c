// Package snapshot reads stored Iris profiles the way an analyst compares
// them: the pivotable values of one snapshot (Facets, with Iris's guided
// counts) and what changed between consecutive snapshots of a domain
// (Diff, Changes). `irisflow history` and the console use it.
//
// Everything here is a pure function of its arguments.
package snapshot
