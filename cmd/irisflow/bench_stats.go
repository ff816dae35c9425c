package main

import (
	"math"
	"slices"
	"time"
)

// latencyMS are latency percentiles in milliseconds.
type latencyMS struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// latencies summarises d (which it sorts) by nearest rank: the p-th
// percentile is the smallest value with at least p% of the values at or
// below it.
func latencies(d []time.Duration) latencyMS {
	if len(d) == 0 {
		return latencyMS{}
	}
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return math.Round(float64(x)/float64(time.Millisecond)*10) / 10 }
	return latencyMS{
		P50: ms(percentile(d, 50)), P95: ms(percentile(d, 95)), P99: ms(percentile(d, 99)), Max: ms(d[len(d)-1]),
	}
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// round2 keeps two decimals for printing.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
