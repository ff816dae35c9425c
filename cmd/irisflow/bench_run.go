package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	irissim "github.com/irisflow/irisflow/sim/iris"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// passSpec is one measured pass.
type passSpec struct {
	name        string
	mode        string
	invocations int           // or, when 0, send for duration
	duration    time.Duration //
	rate        float64       // open loop; 0 = closed loop of concurrency
	concurrency int
	domains     []string        // invocation i asks for domains[i % len]
	soars       []*soarsim.SOAR // the SOAR simulators that send (soars[0] runs the artifact rule)
}

// kind is what invocation i of a pass of mode asks.
func kind(mode string, i int) string {
	if mode != modeMixed {
		return mode
	}
	switch i % 10 {
	case 6, 7, 8:
		return modePlaybook
	case 9:
		return modePivot
	default:
		return modeProfile
	}
}

// passLoad is what a pass sent besides the tracker's record: the incidents
// it created and, per incident, the domains whose artifact events must
// each end in one row (or a not-found note).
type passLoad struct {
	kinds     map[string]int
	incidents []int64
	expect    map[int64][]string
	cycle     map[int]int64 // domain cycle → its incident
}

// runPass sends the pass's invocations, waits for their final replies (and,
// when the pass wrote to incidents, until every write landed) and measures.
func (b *benchEnv) runPass(ctx context.Context, spec passSpec) (benchPass, error) {
	closedLoop := 0
	if spec.rate == 0 {
		closedLoop = spec.concurrency
	}
	tr := newTracker(closedLoop)
	b.tr.Store(tr)
	defer b.tr.Store(nil)
	irisBefore := b.iris.Counters()
	sentBefore := len(spec.soars[0].Sent())
	load := &passLoad{kinds: map[string]int{}, expect: map[int64][]string{}, cycle: map[int]int64{}}

	cpuBefore := processCPU()
	bar := startProgress(b.o.progress, spec, tr)
	start := time.Now()
	err := b.send(ctx, spec, tr, load, start)
	sendSecs := time.Since(start).Seconds()
	if err == nil {
		err = awaitAnswers(ctx, tr, b.o.drain)
	}
	bar.stop()
	if err != nil {
		return benchPass{}, err
	}
	lats, last := tr.latencies()
	p := benchPass{
		Name: spec.name, Mode: spec.mode, Invocations: len(tr.ids()), Kinds: load.kinds,
		LatencyMS: latencies(lats),
	}
	if spec.rate > 0 {
		p.Loop, p.OfferedPerSecond = "open", spec.rate
	} else {
		p.Loop, p.Concurrency = "closed", spec.concurrency
	}
	p.SentPerSecond = round2(float64(p.Invocations) / sendSecs)
	if !last.IsZero() {
		p.Seconds = round2(last.Sub(start).Seconds())
		p.PerSecond = round2(ratio(float64(len(lats)), last.Sub(start).Seconds()))
	}

	own := tr.ids()
	if load.kinds[modePlaybook]+load.kinds[modePivot] > 0 {
		b.awaitWrites(ctx, spec, sentBefore, own, load, start, &p)
	}
	sources := replySources(spec.soars)
	rt := tally(own, sources)
	followUps := followUpIDs(spec.soars[0].Sent()[sentBefore:], own)
	ft := tally(followUps, sources)
	p.FollowUps = len(followUps)
	p.Lost, p.DuplicateReplies = rt.Lost+ft.Lost, rt.DuplicateReplies+ft.DuplicateReplies
	p.ErrorReplies, p.OutOfOrder = rt.ErrorReplies+ft.ErrorReplies, rt.OutOfOrder+ft.OutOfOrder
	wt := tallyWrites(b.sim, demoOrg, load)
	p.Writes, p.DuplicateWrites, p.LostWrites, p.DuplicateExamples = wt.writes, wt.duplicates, wt.missing, wt.examples

	irisDelta(&p, irisBefore, b.iris.Counters(), load.kinds[modeProfile]+load.kinds[modePlaybook]+len(followUps))
	p.MaxRSSMiB = b.rss()
	p.BenchCPUSeconds = round2((processCPU() - cpuBefore).Seconds())
	p.BenchCPUMSPerInvocation = round2(ratio(p.BenchCPUSeconds*1000, float64(p.Invocations+p.FollowUps)))
	if b.replicas != nil {
		if err := b.replicas.check(); err != nil {
			return p, err
		}
	}
	return p, nil
}

// senders encode and SEND concurrently, spread over the pass's SOAR
// simulators: each has one broker connection, on which go-stomp holds its
// lock from a SEND to its RECEIPT, so one connection offers at most one
// SEND per receipt round trip (ActiveMQ on a loaded machine: ≈20 ms).
// sent_per_second shows what was offered.
const senders = 16

// job is one invocation, prepared by the pass's producer (which keeps the
// pass's bookkeeping) and sent by one of the senders.
type job struct {
	i        int
	kind     string
	domain   string
	incident int64
	artifact int64
}

// send sends the pass's invocations: in the closed loop as soon as a slot
// is free, in the open loop invocation i at start + i/rate.
func (b *benchEnv) send(ctx context.Context, spec passSpec, tr *tracker, load *passLoad, start time.Time) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, senders)
	errs := make(chan error, senders)
	var wg sync.WaitGroup
	for w := range senders {
		wg.Add(1)
		go func(soar *soarsim.SOAR) {
			defer wg.Done()
			for j := range jobs {
				inv, err := b.invoke(ctx, soar, j)
				if err != nil {
					tr.abandon()
					errs <- fmt.Errorf("bench %s: invocation %d: %w", spec.name, j.i, err)
					cancel()
					return
				}
				tr.sent(inv.CorrelationID, inv.SentAt)
			}
		}(spec.soars[w%len(spec.soars)])
	}
	err := b.produce(ctx, spec, tr, load, start, jobs)
	close(jobs)
	wg.Wait()
	select {
	case err = <-errs:
	default:
	}
	return err
}

// produce prepares the invocations (their incidents and artifacts) and
// paces them.
func (b *benchEnv) produce(ctx context.Context, spec passSpec, tr *tracker, load *passLoad, start time.Time, jobs chan<- job) error {
	for i := 0; ; i++ {
		if spec.invocations > 0 && i >= spec.invocations {
			return nil
		}
		if spec.invocations == 0 && time.Since(start) >= spec.duration {
			return nil
		}
		if spec.rate > 0 {
			at := start.Add(time.Duration(float64(i) / spec.rate * float64(time.Second)))
			if d := time.Until(at); d > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(d):
				}
			}
		} else if !tr.acquire(ctx.Done()) {
			return nil
		}
		j := job{i: i, kind: kind(spec.mode, i), domain: spec.domains[i%len(spec.domains)]}
		if j.kind != modeProfile {
			j.incident = load.incident(b, spec.name, i/len(spec.domains))
		}
		if j.kind == modePlaybook {
			a, created := b.sim.AddArtifact(demoOrg, j.incident, 2, j.domain)
			load.expect[j.incident] = append(load.expect[j.incident], j.domain)
			if !created {
				// An auto-pivot of this cycle already put the domain on the
				// incident, and the artifact rule ran the playbook for it:
				// a second action would be a second playbook run, not a
				// duplicate write. The job profiles the domain instead.
				j.kind, j.incident = modeProfile, 0
			}
			j.artifact = a.ID
		}
		load.kinds[j.kind]++
		select {
		case jobs <- j:
		case <-ctx.Done():
			return nil
		}
	}
}

// invoke sends one invocation.
func (b *benchEnv) invoke(ctx context.Context, soar *soarsim.SOAR, j job) (soarsim.Invocation, error) {
	switch j.kind {
	case modePlaybook:
		return soar.SendArtifactAction(ctx, j.incident, soarsim.Artifact{ID: j.artifact, Value: j.domain})
	case modePivot:
		return soar.InvokeFunction(ctx, "domaintools_auto_pivot_with_iris",
			map[string]any{"dt_domain_name": j.domain, "incident_id": j.incident}, soarsim.WithWorkflow("domaintools_auto_pivot_with_iris"))
	default:
		return soar.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": j.domain})
	}
}

// incident is the incident of one cycle through the pass's domains (an
// incident holds each DNS Name once).
func (l *passLoad) incident(b *benchEnv, pass string, cycle int) int64 {
	if id, ok := l.cycle[cycle]; ok {
		return id
	}
	id := b.sim.CreateIncident(demoOrg, fmt.Sprintf("irisflow bench: %s #%d", pass, cycle+1))
	l.cycle[cycle] = id
	l.incidents = append(l.incidents, id)
	return id
}

// awaitAnswers waits until every sent invocation has its final reply, or
// until no new final reply came for drain (the rest count as lost).
func awaitAnswers(ctx context.Context, tr *tracker, drain time.Duration) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	lastAnswered, lastChange := -1, time.Now()
	for {
		sent, answered := tr.progress()
		if answered >= sent {
			return nil
		}
		if answered != lastAnswered {
			lastAnswered, lastChange = answered, time.Now()
		} else if time.Since(lastChange) > drain {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: %d of %d invocations answered: %w", answered, sent, ctx.Err())
		case <-t.C:
		}
	}
}

// awaitWrites waits until the pipeline is idle (every follow-up answered,
// every consumer drained), giving up when no write landed for drain, then
// records how long the writes took.
func (b *benchEnv) awaitWrites(ctx context.Context, spec passSpec, sentBefore int, own []string, load *passLoad, start time.Time, p *benchPass) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.settle(sctx, spec, sentBefore, own) }()
	count, changed := -1, time.Now()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if n := countWrites(b.sim, demoOrg, load.incidents); n != count {
			count, changed = n, time.Now()
		} else if time.Since(changed) > b.o.drain {
			cancel() // no write landed for drain: settle reports what is still busy
		}
		select {
		case err := <-done:
			if err != nil {
				p.Unsettled = err.Error()
			}
			p.WriteSeconds = round2(changed.Sub(start).Seconds())
			p.WritesPerSecond = round2(ratio(float64(countWrites(b.sim, demoOrg, load.incidents)), changed.Sub(start).Seconds()))
			return
		case <-t.C:
		}
	}
}

// settle waits until every invocation of the pass and every follow-up has
// its final reply (on whichever simulator received it) and the consumers
// have nothing pending or in flight, three times in a row (an answer can
// start new work).
func (b *benchEnv) settle(ctx context.Context, spec passSpec, sentBefore int, own []string) error {
	sources := replySources(spec.soars)
	return settlePipeline(ctx, b.pipeline.js, func() int {
		ids := append(followUpIDs(spec.soars[0].Sent()[sentBefore:], own), own...)
		return tally(ids, sources).Lost
	})
}

// replySources are the simulators' reply records: replies to one destination
// are shared out among its subscribers.
func replySources(soars []*soarsim.SOAR) []func(string) []resilient.Ack {
	out := make([]func(string) []resilient.Ack, len(soars))
	for i, s := range soars {
		out[i] = s.Replies
	}
	return out
}

// followUpIDs are the invocations the SOAR simulator sent on its own
// during the pass (its artifact rule, for artifacts irisflow created).
func followUpIDs(sent []soarsim.Invocation, own []string) []string {
	mine := make(map[string]bool, len(own))
	for _, id := range own {
		mine[id] = true
	}
	var out []string
	for _, inv := range sent {
		if !mine[inv.CorrelationID] {
			out = append(out, inv.CorrelationID)
		}
	}
	return out
}

// irisDelta fills the Iris figures of a pass from the simulator's counters;
// profiled is how many invocations needed a profile (for the cache-hit ratio;
// follow-ups are playbook actions).
func irisDelta(p *benchPass, before, after irissim.Counters, profiled int) {
	p.IrisRequests = after.Requests - before.Requests
	p.Quota503s = after.Errors503 - before.Errors503
	var lookups int64
	for ep, n := range after.ByEndpoint {
		if strings.Contains(ep, "iris-investigate") || strings.Contains(ep, "iris-enrich") {
			lookups += n - before.ByEndpoint[ep]
		}
	}
	domains := after.Domains - before.Domains
	p.IrisDomains = domains
	p.DomainsPerRequest = round2(ratio(float64(domains), float64(lookups)))
	if profiled > 0 {
		p.CacheHitRatio = round2(max(0, 1-float64(domains)/float64(profiled)))
	}
}

// notFound is the note of a domain Iris has no data for (instead of a row).
func notFound(domain string) string { return seed.NoteDomainNotFound(domain) }
