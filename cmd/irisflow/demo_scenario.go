package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// The guide's incident, its four DNS Name artifacts, and the steps of the scenario.
var (
	demoIncident  = resilientsim.DemoIncident
	demoOrg       = resilientsim.DemoOrg
	demoWorkflows = []string{"profile", "risk", "tags"}
	demoPivotFrom = "int-chase.com"
	demoAnalyst   = "whoissuggest.com"
)

// runScenario plays the seed guide's scenario and collects what an analyst
// sees on the incident.
func runScenario(ctx context.Context, env *demoEnv) (*demoResult, error) {
	res := &demoResult{Incident: demoIncident, Org: demoOrg}
	artifacts := env.sim.Artifacts(demoOrg, demoIncident)

	// 1. The seed app's workflows, as Resilient runs them (drop-in functions).
	//    The four artifacts run concurrently, as analysts would click them.
	type wfResult struct {
		run soarsim.WorkflowRun
		err error
	}
	results := make(chan wfResult, len(artifacts)*len(demoWorkflows))
	for _, a := range artifacts {
		go func(value string) {
			for _, wf := range demoWorkflows {
				run, err := env.soar.RunWorkflow(ctx, wf, demoIncident, value)
				results <- wfResult{run, err}
			}
		}(a.Value)
	}
	for range len(artifacts) * len(demoWorkflows) {
		r := <-results
		step := demoStep{Part: 1, What: fmt.Sprintf("workflow %s on %s", r.run.Workflow, r.run.Artifact), Functions: len(r.run.Steps)}
		if r.err != nil {
			step.Error = r.err.Error()
		}
		res.Steps = append(res.Steps, step)
	}

	// 2. irisflow's auto-pivot on the guide's domain: artifacts + summary notes.
	inv, err := env.soar.InvokeFunction(ctx, "domaintools_auto_pivot_with_iris", map[string]any{
		"dt_domain_name": demoPivotFrom, "incident_id": demoIncident,
	}, soarsim.WithWorkflow("domaintools_auto_pivot_with_iris"))
	step := demoStep{Part: 2, What: "auto-pivot on " + demoPivotFrom, Functions: 1}
	if err == nil {
		var final *resilient.Ack
		if final, err = env.soar.Await(ctx, inv.CorrelationID); err == nil && final.MessageType == resilient.MessageError {
			err = fmt.Errorf("error reply: %s", final.Message)
		}
	}
	if err != nil {
		step.Error = err.Error()
	}
	res.Steps = append(res.Steps, step)
	// Let the pivot's artifacts land and come back through the rule first, so
	// that part 3 reads as its own story.
	if err := settle(ctx, env); err != nil {
		res.Unsettled = err.Error()
	}

	// 3. An analyst adds a DNS Name artifact: the rule sends it to irisflow,
	//    whose automatic playbook profiles it.
	step = demoStep{Part: 3, What: "analyst adds " + demoAnalyst + " (automatic playbook)"}
	if err := addAnalystArtifact(ctx, env); err != nil {
		step.Error = err.Error()
	}
	res.Steps = append(res.Steps, step)

	// Everything settles: every message answered, every stream drained.
	if err := settle(ctx, env); err != nil {
		res.Unsettled = err.Error()
	}
	res.collect(ctx, env)
	return res, nil
}

// addAnalystArtifact creates the artifact over REST as the SOAR UI would,
// which fires the "artifact created" rule.
func addAnalystArtifact(ctx context.Context, env *demoEnv) error {
	c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: env.cfg.Resilient.URL, Org: demoOrg,
		APIKeyID: env.cfg.Resilient.APIKeyID, APIKeySecret: env.cfg.Resilient.APIKeySecret})
	if err != nil {
		return err
	}
	_, err = c.CreateArtifact(ctx, demoIncident, resilient.ArtifactSpec{Type: resilient.ArtifactDNSName, Value: demoAnalyst,
		Description: "Reported by an analyst"})
	return err
}

// settle waits until every message sent to irisflow has its final reply and
// the FN, WRITES and REPLIES consumers have nothing pending or in flight,
// three times in a row (an answer can start new work).
func settle(ctx context.Context, env *demoEnv) error {
	return settlePipeline(ctx, env.pipeline.js, func() int { return len(env.soar.Unanswered()) })
}

// settlePipeline is settle for any count of invocations still without their
// final reply (unanswered); it polls every 100ms until ctx ends.
func settlePipeline(ctx context.Context, js jetstream.JetStream, unanswered func() int) error {
	consumers := []flow.Consumer{flow.EnricherConsumer, flow.PivoterConsumer, flow.WriterConsumer, flow.BridgeConsumer}
	quiet := 0
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		busy := ""
		if n := unanswered(); n > 0 {
			busy = fmt.Sprintf("%d invocation(s) without a final reply", n)
		}
		for _, c := range consumers {
			if busy != "" {
				break
			}
			busy = consumerBusy(ctx, js, c)
		}
		if busy == "" {
			if quiet++; quiet >= 3 {
				return nil
			}
		} else {
			quiet = 0
		}
		select {
		case <-ctx.Done():
			if busy == "" {
				busy = ctx.Err().Error()
			}
			return fmt.Errorf("the pipeline did not settle: %s", busy)
		case <-t.C:
		}
	}
}

func consumerBusy(ctx context.Context, js jetstream.JetStream, c flow.Consumer) string {
	cons, err := js.Consumer(ctx, c.Stream, c.Config.Durable)
	if err != nil {
		return fmt.Sprintf("consumer %s: %v", c.Config.Durable, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Sprintf("consumer %s: %v", c.Config.Durable, err)
	}
	if info.NumPending > 0 || info.NumAckPending > 0 || info.NumRedelivered > 0 {
		return fmt.Sprintf("consumer %s: %d pending, %d in flight", c.Config.Durable, info.NumPending, info.NumAckPending)
	}
	return ""
}

// problems lists what makes the demo fail.
func (r *demoResult) problems() []string {
	var out []string
	for _, s := range r.Steps {
		if s.Error != "" {
			out = append(out, fmt.Sprintf("part %d, %s: %s", s.Part, s.What, s.Error))
		}
	}
	if r.Unsettled != "" {
		out = append(out, r.Unsettled)
	}
	if r.Summary.Unanswered > 0 {
		out = append(out, fmt.Sprintf("%d invocation(s) never got a final reply", r.Summary.Unanswered))
	}
	if r.Summary.ErrorReplies > 0 {
		out = append(out, fmt.Sprintf("%d invocation(s) got an error reply", r.Summary.ErrorReplies))
	}
	if r.Summary.WritesPending > 0 || r.Summary.WritesFailed > 0 {
		out = append(out, fmt.Sprintf("writes not landed: %d pending, %d failed", r.Summary.WritesPending, r.Summary.WritesFailed))
	}
	if r.Summary.DeadLetters > 0 {
		out = append(out, fmt.Sprintf("%d dead letter(s)", r.Summary.DeadLetters))
	}
	return out
}
