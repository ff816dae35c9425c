package main

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Bench modes: what each invocation asks irisflow.
const (
	modeProfile  = "profile"  // the drop-in function Profile Domain with Iris
	modePlaybook = "playbook" // a DNS Name "artifact created" rule action: the automatic playbook
	modePivot    = "pivot"    // the function Auto Pivot with Iris on an incident
	modeMixed    = "mixed"    // 6 profile : 3 playbook : 1 pivot
)

var benchModes = []string{modeProfile, modePlaybook, modePivot, modeMixed}

// benchOptions are the bench's flags.
type benchOptions struct {
	demoOptions
	mode        string
	invocations int
	duration    time.Duration
	rate        float64 // invocations/s offered (open loop); 0 = closed loop
	concurrency int     // invocations in flight in the closed loop
	senders     int     // SOAR simulator connections that send
	distinct    int     // distinct domains; 0 = every invocation a new domain
	warmup      bool    // profile the distinct domains once before the measured pass
	drain       time.Duration

	irisLatency   time.Duration
	irisQuota     int     // requests/min of the Iris simulator and of irisflow's shared quota; 0 = none
	irisErrorRate float64 // share of Iris requests the simulator answers 500
	restLatency   time.Duration
	restRate      float64
	restErrorRate float64 // share of REST requests the Resilient simulator answers 500

	// stompVia, when set, maps the broker's URL to the one the services
	// use (make chaos: a proxy in front of the broker, which the SOAR
	// simulators reach directly).
	stompVia func(brokerURL string) string
	// onReply, when set, is also called with every reply a SOAR simulator
	// records (sender k; make chaos: when duplicates arrived). It must not block.
	onReply func(k int, cid string, ack resilient.Ack)

	replicas    map[string]int // service → processes of its own binary
	replicasArg string
	binDir      string

	seedStyle       bool
	seedInvocations int

	cpuProfile string
	progress   string // auto, on, off
}

// validate checks the flags and fills what follows from them.
func (o *benchOptions) validate() error {
	var errs []error
	if !slices.Contains(benchModes, o.mode) {
		errs = append(errs, fmt.Errorf("--mode %q: want one of %s", o.mode, strings.Join(benchModes, ", ")))
	}
	if o.invocations < 0 || o.duration < 0 || o.rate < 0 || o.distinct < 0 || o.irisQuota < 0 {
		errs = append(errs, errors.New("--invocations, --duration, --rate, --distinct and --iris-quota cannot be negative"))
	}
	if o.irisErrorRate < 0 || o.irisErrorRate > 1 || o.restErrorRate < 0 || o.restErrorRate > 1 {
		errs = append(errs, errors.New("--iris-error-rate and --rest-error-rate: want a share from 0 to 1"))
	}
	if o.invocations == 0 && o.duration == 0 {
		errs = append(errs, errors.New("give --invocations N or --duration D"))
	}
	if o.senders < 1 || o.senders > 16 {
		errs = append(errs, fmt.Errorf("--senders %d: want 1 to 16", o.senders))
	}
	if o.concurrency < 1 {
		errs = append(errs, fmt.Errorf("--concurrency %d: want at least 1", o.concurrency))
	}
	r, err := parseReplicas(o.replicasArg)
	if err != nil {
		errs = append(errs, err)
	}
	o.replicas = r
	if o.seedInvocations < 0 {
		errs = append(errs, errors.New("--seed-invocations cannot be negative"))
	}
	switch o.progress {
	case "auto", "on", "off":
	default:
		errs = append(errs, fmt.Errorf("--progress %q: want auto, on or off", o.progress))
	}
	return errors.Join(errs...)
}

// parseReplicas reads "enricher=3,writer=3": each named service runs as that
// many processes of its own binary instead of inside the bench process.
func parseReplicas(s string) (map[string]int, error) {
	out := map[string]int{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, n, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("--replicas %q: want service=count pairs, e.g. enricher=3,writer=3", s)
		}
		name = strings.TrimSpace(name)
		if !slices.Contains(config.AllServices, name) {
			return nil, fmt.Errorf("--replicas: unknown service %q (want %s)", name, strings.Join(config.AllServices, ", "))
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("--replicas: %s given twice", name)
		}
		c, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil || c < 1 || c > 16 {
			return nil, fmt.Errorf("--replicas %s=%s: want a count from 1 to 16", name, n)
		}
		out[name] = c
	}
	return out, nil
}

// inProcess are the services the bench process runs itself: those not
// given to --replicas.
func (o *benchOptions) inProcess() []string {
	var out []string
	for _, s := range config.AllServices {
		if o.replicas[s] == 0 {
			out = append(out, s)
		}
	}
	return out
}

// replicaNames are the external processes, e.g. enricher-1 … enricher-3, in
// a stable order.
func replicaNames(r map[string]int) []string {
	var out []string
	for s, n := range r {
		for i := 1; i <= n; i++ {
			out = append(out, fmt.Sprintf("%s-%d", s, i))
		}
	}
	sort.Strings(out)
	return out
}
