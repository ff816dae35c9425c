package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// benchPass is one measured pass, as --json prints it (one object a line).
type benchPass struct {
	Name             string         `json:"name"`
	Mode             string         `json:"mode"`
	Kinds            map[string]int `json:"kinds"`
	Loop             string         `json:"loop"`
	Concurrency      int            `json:"concurrency,omitempty"`
	OfferedPerSecond float64        `json:"offered_per_second,omitempty"`
	SentPerSecond    float64        `json:"sent_per_second,omitempty"`
	Invocations      int            `json:"invocations"`
	FollowUps        int            `json:"follow_ups"`
	// Seconds is from the first SEND to the last final reply.
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	// LatencyMS is SEND of the function frame to its final reply.
	LatencyMS         latencyMS `json:"latency_ms"`
	IrisRequests      int64     `json:"iris_requests"`
	IrisDomains       int64     `json:"iris_domains"`
	DomainsPerRequest float64   `json:"domains_per_request"`
	CacheHitRatio     float64   `json:"cache_hit_ratio"`
	Quota503s         int64     `json:"quota_503s"`
	Writes            int       `json:"writes"`
	WriteSeconds      float64   `json:"write_seconds,omitempty"`
	WritesPerSecond   float64   `json:"writes_per_second,omitempty"`
	Lost              int       `json:"lost"`
	LostWrites        int       `json:"lost_writes"`
	DuplicateReplies  int       `json:"duplicate_replies"`
	DuplicateWrites   int       `json:"duplicate_writes"`
	// DuplicateExamples names the first few duplicate and missing writes.
	DuplicateExamples []string           `json:"duplicate_examples,omitempty"`
	ErrorReplies      int                `json:"error_replies"`
	OutOfOrder        int                `json:"out_of_order"`
	Unsettled         string             `json:"unsettled,omitempty"`
	MaxRSSMiB         map[string]float64 `json:"max_rss_mib"`
	// BenchCPUSeconds is the CPU the bench process (simulators and
	// in-process services) used during the pass; per invocation and follow-up.
	BenchCPUSeconds         float64 `json:"bench_cpu_seconds"`
	BenchCPUMSPerInvocation float64 `json:"bench_cpu_ms_per_invocation"`
	// SeedRatio, on the seed-style pass, is irisflow's per_second over the seed's.
	SeedRatio float64 `json:"seed_style_ratio,omitempty"`
}

// failures are what make a pass fail the run.
func (p benchPass) failures() []string {
	var out []string
	for _, f := range []struct {
		n    int
		what string
	}{
		{p.Lost, "lost invocations"}, {p.LostWrites, "lost writes"}, {p.DuplicateReplies, "duplicate replies"},
		{p.DuplicateWrites, "duplicate writes"}, {p.OutOfOrder, "status messages after the final reply"},
	} {
		if f.n > 0 {
			out = append(out, fmt.Sprintf("%s: %d %s", p.Name, f.n, f.what))
		}
	}
	for _, e := range p.DuplicateExamples {
		out = append(out, p.Name+": write: "+e)
	}
	if p.Unsettled != "" {
		out = append(out, p.Name+": "+p.Unsettled)
	}
	return out
}

func writeJSONPasses(w io.Writer, passes []benchPass) error {
	enc := json.NewEncoder(w)
	for _, p := range passes {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

func writeTextPasses(w io.Writer, passes []benchPass) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PASS\tINVOCATIONS\tSECONDS\tPER SECOND\tP50/P95/P99 MS\tIRIS REQ\tDOMAINS/REQ\tCACHE HITS\t503s\tWRITES/S\tLOST\tDUP REPLIES\tDUP WRITES")
	for _, p := range passes {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.0f/%.0f/%.0f\t%d\t%.1f\t%.2f\t%d\t%.0f\t%d\t%d\t%d\n", p.Name, p.Invocations, p.Seconds, p.PerSecond,
			p.LatencyMS.P50, p.LatencyMS.P95, p.LatencyMS.P99, p.IrisRequests, p.DomainsPerRequest, p.CacheHitRatio, p.Quota503s,
			p.WritesPerSecond, p.Lost+p.LostWrites, p.DuplicateReplies, p.DuplicateWrites)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range passes {
		if p.SeedRatio > 0 {
			fmt.Fprintf(w, "irisflow / seed-style: %.1f× the seed app's rate\n", p.SeedRatio)
		}
	}
	last := passes[len(passes)-1].MaxRSSMiB
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	sort.Strings(names)
	var rss []string
	for _, n := range names {
		rss = append(rss, fmt.Sprintf("%s %.0f", n, last[n]))
	}
	_, err := fmt.Fprintf(w, "peak RSS (MiB): %s\n", strings.Join(rss, ", "))
	return err
}
