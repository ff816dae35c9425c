package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/irisflow/irisflow/pkg/config"
)

// replicaSet is --replicas: services running as processes of their own
// binaries (services/<name>/cmd/<name>), on the bench's configuration.
type replicaSet struct {
	mu                sync.Mutex // procs: restart replaces one while a pass runs
	procs             []*replicaProc
	cfgPath, bin, dir string
}

// list is the processes now running.
func (r *replicaSet) list() []*replicaProc {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.procs)
}

type replicaProc struct {
	name   string // e.g. enricher-2
	cmd    *exec.Cmd
	log    string // its stderr (a restarted replica appends to it)
	listen string // its /readyz listener
	exited chan struct{}
}

// buildServices builds the binaries of services into dir with the go
// tool, from the workspace the bench runs in (go env GOWORK).
func buildServices(ctx context.Context, dir string, services []string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOWORK").Output()
	work := strings.TrimSpace(string(out))
	if err != nil || work == "" || work == "off" {
		return errors.New("--replicas builds services/*/cmd/* with the go tool: run the bench inside the irisflow repository, or give --bin-dir")
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, s := range services {
		args = append(args, "./services/"+s+"/cmd/"+s)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Dir(work)
	info, _ := debug.ReadBuildInfo()
	cmd.Env = sameExperiments(os.Environ(), info)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v: %s", strings.Join(services, ", "), err, b)
	}
	return nil
}

// sameExperiments is environ for building the replicas as the bench itself
// was built: with the bench's GOEXPERIMENT (the Makefile's jsonv2) unless
// environ sets one, so that a bench built by make measures replicas built
// the same way.
func sameExperiments(environ []string, info *debug.BuildInfo) []string {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "GOEXPERIMENT=") {
			return environ
		}
	}
	if info != nil {
		for _, s := range info.Settings {
			if s.Key == "GOEXPERIMENT" {
				return append(slices.Clone(environ), "GOEXPERIMENT="+s.Value)
			}
		}
	}
	return environ
}

// startReplicas writes cfg to dir/config.yaml (migrations off: the bench
// process applied them; NATS at natsURL) and starts the processes, each with a /readyz
// listener of its own, and waits until every one is ready.
func startReplicas(ctx context.Context, cfg *config.Config, natsURL string, replicas map[string]int, binDir, dir string) (*replicaSet, error) {
	c := *cfg
	off := false
	c.Migrate, c.Services = &off, nil
	// The processes connect to the bench's NATS server: with nats_url
	// embedded each would start a server of its own on the same store.
	c.NATSURL, c.NATSDataDir = natsURL, ""
	b, err := yaml.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("replicas: encode the configuration: %w", err)
	}
	set := &replicaSet{cfgPath: filepath.Join(dir, "config.yaml"), bin: binDir, dir: dir}
	if err := os.WriteFile(set.cfgPath, b, 0o600); err != nil {
		return nil, fmt.Errorf("replicas: %w", err)
	}
	for _, name := range replicaNames(replicas) {
		p, err := set.launch(name)
		if err != nil {
			set.stop()
			return nil, err
		}
		set.procs = append(set.procs, p)
	}
	for _, p := range set.procs {
		if err := p.awaitReady(ctx, time.Minute); err != nil {
			set.stop()
			return nil, err
		}
	}
	return set, nil
}

// launch starts the process name (e.g. enricher-2) on a /readyz listener
// of its own, its output appended to dir/name.log.
func (r *replicaSet) launch(name string) (*replicaProc, error) {
	service, _, _ := strings.Cut(name, "-")
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p := &replicaProc{name: name, log: filepath.Join(r.dir, name+".log"), listen: "127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	p.cmd = exec.Command(filepath.Join(r.bin, service))
	p.cmd.Env = append(os.Environ(), "IRISFLOW_CONFIG="+r.cfgPath, "IRISFLOW_HTTP_LISTEN="+p.listen)
	p.cmd.Stderr, p.cmd.Stdout = logf, logf
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("replicas: start %s: %w", name, err)
	}
	go func() { _ = p.cmd.Wait(); logf.Close(); close(p.exited) }()
	return p, nil
}

// awaitReady polls the process's /readyz until it answers 200.
func (p *replicaProc) awaitReady(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.listen+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("replicas: %s exited before it was ready: %s", p.name, tail(p.log))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replicas: %s not ready within %s: %s", p.name, within, tail(p.log))
		}
	}
}

// check reports a process that exited during the run.
func (r *replicaSet) check() error {
	for _, p := range r.list() {
		select {
		case <-p.exited:
			return fmt.Errorf("replicas: %s exited during the run: %s", p.name, tail(p.log))
		default:
		}
	}
	return nil
}

// rss is each process's peak resident set (VmHWM) in MiB.
func (r *replicaSet) rss() map[string]float64 {
	out := map[string]float64{}
	for _, p := range r.list() {
		if mib, err := peakRSS(p.cmd.Process.Pid); err == nil {
			out[p.name] = mib
		}
	}
	return out
}

// stop asks every process to stop (SIGTERM), and kills those still running
// after 15 s.
func (r *replicaSet) stop() {
	procs := r.list()
	for _, p := range procs {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	expired := false
	for _, p := range procs {
		if !expired {
			select {
			case <-p.exited:
				continue
			case <-deadline.C: // fires once: every process still running after it is killed
				expired = true
			}
		}
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// peakRSS reads VmHWM of a process (0 = this one) from /proc, in MiB.
func peakRSS(pid int) (float64, error) {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, err
			}
			return round2(kb / 1024), nil
		}
	}
	return 0, errors.New("no VmHWM in " + path)
}

// processCPU is the CPU time (user + system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}
