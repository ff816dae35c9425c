// Package pivoter is irisflow's pivot worker. It consumes the pivot work of
// the FN stream (fn.<org>.pivots.discover, .execute and .auto) and answers
// the seed app's Discover Actionable Pivots, Execute Pivots and Auto Pivot
// functions, and the auto-pivot step of the enricher's automatic playbook:
//
//   - Discover reads a profile's guided-pivot counts and replies with the
//     values worth pivoting on (pkg/pivot.Discover), typed.
//   - Execute runs one Iris pivot search to the end (or the MaxResults cap),
//     answering from the stored search within SearchTTL.
//   - Auto-pivot profiles a domain, discovers, executes the configured
//     types, records every run and every domain found (the pivot history),
//     creates DNS Name artifacts for the domains new to the incident (capped,
//     each claimed once per incident, never beyond MaxDepth) and writes one
//     summary note per pivot, naming the org's other incidents that pivoted
//     on the same value.
//
// Work is retried when Iris is unavailable; bad input and Iris's
// limit_exceeded are answered at once and never retried.
package pivoter
