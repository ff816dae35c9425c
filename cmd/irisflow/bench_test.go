package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose: latencies sorts
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := latencies(d)
	if want := (latencyMS{P50: 50, P95: 95, P99: 99, Max: 100}); got != want {
		t.Fatalf("latencies(1..100 ms) = %+v, want %+v", got, want)
	}
	if got := latencies([]time.Duration{7 * time.Millisecond}); got.P50 != 7 || got.P99 != 7 {
		t.Fatalf("one value: %+v", got)
	}
	if got := latencies(nil); got != (latencyMS{}) {
		t.Fatalf("no values: %+v", got)
	}
	three := []time.Duration{1, 2, 3}
	for p, want := range map[float64]time.Duration{1: 1, 33: 1, 34: 2, 66: 2, 67: 3, 100: 3} {
		if got := percentile(three, p); got != want {
			t.Errorf("percentile(1,2,3; %v) = %v, want %v", p, got, want)
		}
	}
}

func TestTallyCountsLostDuplicatesAndOrder(t *testing.T) {
	t.Parallel()
	status := resilient.Ack{Message: "working"}
	final := resilient.Ack{Message: "Completed", Complete: true}
	failed := resilient.Ack{MessageType: resilient.MessageError, Message: "bad", Complete: true}
	replies := map[string][]resilient.Ack{
		"ok":       {status, final},
		"lost":     {status},
		"none":     nil,
		"twice":    {status, final, final},
		"thrice":   {final, final, final},
		"late":     {final, status},
		"error":    {failed},
		"errorDup": {failed, final},
	}
	ids := []string{"ok", "lost", "none", "twice", "thrice", "late", "error", "errorDup"}
	got := tally(ids, []func(string) []resilient.Ack{func(cid string) []resilient.Ack { return replies[cid] }})
	want := replyTally{Lost: 2, DuplicateReplies: 1 + 2 + 1, ErrorReplies: 2, OutOfOrder: 1}
	if got != want {
		t.Fatalf("tally = %+v, want %+v", got, want)
	}

	// Replies shared out among several subscribers: a final on each is a
	// duplicate; a status that reached another subscriber after the final
	// is not judged out of order (no order across subscribers).
	a := map[string][]resilient.Ack{"split": {final}, "dup": {final}, "statusElsewhere": {final}}
	b := map[string][]resilient.Ack{"split": nil, "dup": {final}, "statusElsewhere": {status}, "onlyB": {status, final}}
	got = tally([]string{"split", "dup", "statusElsewhere", "onlyB", "nowhere"}, []func(string) []resilient.Ack{
		func(cid string) []resilient.Ack { return a[cid] }, func(cid string) []resilient.Ack { return b[cid] },
	})
	if want := (replyTally{Lost: 1, DuplicateReplies: 1}); got != want {
		t.Fatalf("tally over two subscribers = %+v, want %+v", got, want)
	}
}

func TestTrackerReplyBeforeSentAndSlots(t *testing.T) {
	t.Parallel()
	tr := newTracker(2)
	never := make(chan struct{})
	for i := range 2 {
		if !tr.acquire(never) {
			t.Fatalf("slot %d of 2 not granted", i+1)
		}
	}
	done := make(chan struct{})
	close(done)
	if tr.acquire(done) {
		t.Fatal("a third slot was granted while two invocations are in flight")
	}
	sentAt := time.Now()
	// The reply of a can arrive before the bench registered a (its SEND's
	// receipt comes back after the broker delivered it).
	tr.reply("a", resilient.Ack{Complete: true})
	tr.sent("a", sentAt)
	tr.sent("b", sentAt)
	tr.reply("b", resilient.Ack{Message: "status"}) // not final: still in flight
	if sent, answered := tr.progress(); sent != 2 || answered != 1 {
		t.Fatalf("progress = %d sent, %d answered; want 2, 1", sent, answered)
	}
	if !tr.acquire(never) {
		t.Fatal("a's final reply did not free its slot")
	}
	tr.reply("b", resilient.Ack{Complete: true})
	tr.reply("b", resilient.Ack{Complete: true}) // a duplicate frees nothing more
	tr.reply("other", resilient.Ack{Complete: true})
	if _, answered := tr.progress(); answered != 2 {
		t.Fatalf("answered = %d, want 2 (a duplicate or a foreign reply counted)", answered)
	}
	lats, last := tr.latencies()
	if len(lats) != 2 || last.Before(sentAt) {
		t.Fatalf("latencies = %v (last %v)", lats, last)
	}
	if got := tr.ids(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("ids = %v", got)
	}
}

func TestTallyWritesFindsDuplicatesAndMissing(t *testing.T) {
	t.Parallel()
	sim := resilientsim.New(resilientsim.Config{})
	org := resilientsim.DemoOrg
	one, two := sim.CreateIncident(org, "one"), sim.CreateIncident(org, "two")
	row := func(inc int64, d string) {
		if _, err := sim.AddRow(org, inc, resilient.ResultsTable, map[string]any{"domain_name": d}); err != nil {
			t.Fatal(err)
		}
	}
	row(one, "a.com")
	row(one, "b.com")
	row(one, "b.com") // duplicate row
	sim.AddNote(org, one, "", "profiled a.com")
	sim.AddNote(org, one, "", "profiled a.com") // duplicate note
	sim.AddNote(org, one, "", "profiled b.com")
	sim.AddNote(org, two, "", notFound("gone.com")) // no row, but its not-found note
	row(two, "a.com")                               // same domain on another incident: not a duplicate
	load := &passLoad{incidents: []int64{one, two}, expect: map[int64][]string{
		one: {"a.com", "b.com", "c.com"}, // c.com never landed
		two: {"gone.com", "a.com"},
	}}
	got := tallyWrites(sim, org, load)
	want := writeTally{writes: 8, duplicates: 2, missing: 1, examples: []string{
		fmt.Sprintf(`incident %d: row "b.com" ×2`, one), fmt.Sprintf(`incident %d: note "profiled a.com" ×2`, one),
		fmt.Sprintf(`incident %d: no row or not-found note of "c.com"`, one),
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tallyWrites = %+v, want %+v", got, want)
	}
	if n := countWrites(sim, org, load.incidents); n != 8 {
		t.Fatalf("countWrites = %d, want 8", n)
	}
}

func TestParseReplicas(t *testing.T) {
	t.Parallel()
	got, err := parseReplicas(" enricher=3, writer=1 ")
	if err != nil || len(got) != 2 || got["enricher"] != 3 || got["writer"] != 1 {
		t.Fatalf("parseReplicas = %v, %v", got, err)
	}
	if names := replicaNames(got); !slices.Equal(names, []string{"enricher-1", "enricher-2", "enricher-3", "writer-1"}) {
		t.Fatalf("replicaNames = %v", names)
	}
	o := benchOptions{replicas: got}
	if in := o.inProcess(); !slices.Equal(in, []string{"bridge", "pivoter"}) {
		t.Fatalf("inProcess = %v", in)
	}
	for _, bad := range []string{"enricher", "enricher=0", "enricher=x", "cache=2", "writer=1,writer=2", "enricher=99"} {
		if _, err := parseReplicas(bad); err == nil {
			t.Errorf("parseReplicas(%q) accepted", bad)
		}
	}
}

func TestBenchFlagsRejectedBeforeStarting(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"--mode":             {"--mode", "fast"},
		"--invocations":      {"--invocations", "0"},
		"--concurrency":      {"--concurrency", "0"},
		"--replicas":         {"--replicas", "cache=2"},
		"--progress":         {"--progress", "maybe"},
		"cannot be negative": {"--rate", "-1"},
		"not both":           {"--invocations", "10", "--duration", "5s"},
		"--senders":          {"--senders", "0"},
	}
	for want, args := range cases {
		out, err := execute(t, append([]string{"bench"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bench %v: err = %v, want one naming %s\n%s", args, err, want, out)
		}
	}
	if _, err := execute(t, "bench", "--mode", "pivot", "--seed-style"); err == nil || !strings.Contains(err.Error(), "--seed-style") {
		t.Errorf("--seed-style with --mode pivot: err = %v", err)
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	line := progressLine(passSpec{name: "profile", invocations: 200}, 150, 100, 2345.6, 3*time.Second)
	for _, want := range []string{"profile", "[===============               ]", "100/200", "2346/s", "50 in flight", "3.0s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	line = progressLine(passSpec{name: "profile 10s", duration: 10 * time.Second}, 10, 10, 0, 5*time.Second)
	if !strings.Contains(line, "10/?") || !strings.Contains(line, "[===============") {
		t.Errorf("duration pass: %q", line)
	}
}

func TestKindMixed(t *testing.T) {
	t.Parallel()
	n := map[string]int{}
	for i := range 100 {
		n[kind(modeMixed, i)]++
	}
	if n[modeProfile] != 60 || n[modePlaybook] != 30 || n[modePivot] != 10 {
		t.Fatalf("mixed kinds over 100 = %v, want 60/30/10", n)
	}
	if kind(modePlaybook, 9) != modePlaybook {
		t.Fatal("a single mode is every invocation's kind")
	}
}

// A tiny run per mode, through the command line: every invocation answered
// once, nothing lost or duplicated, the JSON fields a SOC plans with.
func TestBenchTinyRunPerMode(t *testing.T) {
	t.Parallel()
	for _, mode := range benchModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			// --drain 2m: an auto-pivot's final reply comes once its writes
			// have landed (REST at 10/s per org), so finals may be far apart.
			out, err := executeWithin(t, 4*time.Minute, "bench", "--mode", mode, "--invocations", "50", "--distinct", "20",
				"--json", "--progress", "off", "--drain", "2m", "--database-url", testenv.Postgres(t))
			if err != nil {
				t.Fatalf("bench --mode %s: %v\n%s", mode, err, out)
			}
			passes := decodePasses(t, out)
			if len(passes) != 2 || passes[0].Name != "cold" || passes[1].Mode != mode {
				t.Fatalf("passes = %+v, want cold then %s", passes, mode)
			}
			cold, p := passes[0], passes[1]
			if cold.Invocations != 20 || cold.IrisDomains != 20 || cold.CacheHitRatio != 0 {
				t.Errorf("cold pass: %+v", cold)
			}
			if p.Invocations != 50 || p.Lost != 0 || p.LostWrites != 0 || p.DuplicateReplies != 0 || p.DuplicateWrites != 0 {
				t.Errorf("%s pass: %+v", mode, p)
			}
			if p.PerSecond <= 0 || p.LatencyMS.P50 <= 0 || p.LatencyMS.P50 > p.LatencyMS.P99 || p.MaxRSSMiB["bench"] <= 0 {
				t.Errorf("%s pass figures: %+v", mode, p)
			}
			if mode == modePlaybook && p.Writes < 50 {
				t.Errorf("playbook pass wrote %d, want a row (and notes) per artifact", p.Writes)
			}
			if mode == modeProfile && p.CacheHitRatio != 1 {
				t.Errorf("warm profile pass: cache hits %v, want 1", p.CacheHitRatio)
			}
		})
	}
}

// executeWithin is execute with a longer bound (the race detector slows a
// whole pipeline down several times).
func executeWithin(t *testing.T, d time.Duration, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

func decodePasses(t *testing.T, out string) []benchPass {
	t.Helper()
	var passes []benchPass
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var p benchPass
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("bench --json line %q: %v", line, err)
		}
		passes = append(passes, p)
	}
	return passes
}

func TestSameExperimentsBuildsReplicasAsTheBench(t *testing.T) {
	built := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOEXPERIMENT", Value: "jsonv2"}}}
	for _, tc := range []struct {
		name    string
		environ []string
		info    *debug.BuildInfo
		want    []string
	}{
		{"the bench's experiment", []string{"PATH=/bin"}, built, []string{"PATH=/bin", "GOEXPERIMENT=jsonv2"}},
		{"the environment's wins", []string{"GOEXPERIMENT=", "PATH=/bin"}, built, []string{"GOEXPERIMENT=", "PATH=/bin"}},
		{"a bench built without", []string{"PATH=/bin"}, &debug.BuildInfo{}, []string{"PATH=/bin"}},
		{"no build info", []string{"PATH=/bin"}, nil, []string{"PATH=/bin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sameExperiments(tc.environ, tc.info); !slices.Equal(got, tc.want) {
				t.Errorf("sameExperiments = %q, want %q", got, tc.want)
			}
		})
	}
}
