//go:build cluster || chaos

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// natsCluster is three (or more) nats-server processes on loopback, routed
// to each other, with JetStream: what the cluster layout of
// docs/operations.md runs on several hosts.
type natsCluster struct {
	t     testing.TB
	bin   string
	nodes []*natsNode
}

type natsNode struct {
	name, conf, log   string
	client, http, rte int
	cmd               *exec.Cmd
	exited            chan struct{}
}

// buildNATSServer builds nats-server from the module graph (the version
// cmd/irisflow's go.mod requires: 2.15) into dir.
func buildNATSServer(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOWORK").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOWORK: %w", err)
	}
	bin := filepath.Join(dir, "nats-server")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/nats-io/nats-server/v2")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build nats-server: %v: %s", err, b)
	}
	return bin, nil
}

// startNATSCluster starts n routed nodes (n = 1: one standalone server) and waits until each is healthy
// (JetStream meta leader elected).
func startNATSCluster(t testing.TB, bin, dir string, n int) *natsCluster {
	t.Helper()
	c := &natsCluster{t: t, bin: bin}
	for i := range n {
		node := &natsNode{name: fmt.Sprintf("n%d", i+1)}
		for _, p := range []*int{&node.client, &node.http, &node.rte} {
			port, err := freePort()
			if err != nil {
				t.Fatal(err)
			}
			*p = port
		}
		c.nodes = append(c.nodes, node)
	}
	var routes []string
	for _, node := range c.nodes {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", node.rte))
	}
	for _, node := range c.nodes {
		node.conf = filepath.Join(dir, node.name+".conf")
		node.log = filepath.Join(dir, node.name+".log")
		conf := fmt.Sprintf(`server_name: %s
listen: 127.0.0.1:%d
http: 127.0.0.1:%d
jetstream { store_dir: %q }
`, node.name, node.client, node.http, filepath.Join(dir, node.name))
		if n > 1 { // one node is a standalone server (make chaos restarts it)
			conf += fmt.Sprintf(`cluster {
  name: irisflow
  listen: 127.0.0.1:%d
  routes: [%s]
}
`, node.rte, strings.Join(routes, ", "))
		}
		if err := os.WriteFile(node.conf, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		c.start(node)
	}
	t.Cleanup(func() {
		for _, node := range c.nodes {
			c.stop(node, syscall.SIGKILL)
		}
	})
	for _, node := range c.nodes {
		c.awaitHealthy(node, 2*time.Minute)
	}
	return c
}

// URLs is the client URL list (nats.go takes it comma-separated).
func (c *natsCluster) URLs() string {
	var out []string
	for _, node := range c.nodes {
		out = append(out, fmt.Sprintf("nats://127.0.0.1:%d", node.client))
	}
	return strings.Join(out, ",")
}

func (c *natsCluster) start(node *natsNode) {
	c.t.Helper()
	logf, err := os.OpenFile(node.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	node.cmd = exec.Command(c.bin, "-c", node.conf)
	node.cmd.Stdout, node.cmd.Stderr = logf, logf
	if err := node.cmd.Start(); err != nil {
		logf.Close()
		c.t.Fatalf("start %s: %v", node.name, err)
	}
	node.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); logf.Close(); close(exited) }(node.cmd, node.exited)
}

// stop sends sig (SIGKILL: a crash; SIGTERM: a clean stop) and waits.
func (c *natsCluster) stop(node *natsNode, sig syscall.Signal) {
	if node.cmd == nil {
		return
	}
	_ = node.cmd.Process.Signal(sig)
	select {
	case <-node.exited:
	case <-time.After(30 * time.Second):
		_ = node.cmd.Process.Kill()
		<-node.exited
	}
	node.cmd = nil
}

// restart stops node cleanly and starts it again on its store.
func (c *natsCluster) restart(node *natsNode) {
	c.stop(node, syscall.SIGTERM)
	c.start(node)
	c.awaitHealthy(node, 2*time.Minute)
}

// awaitHealthy polls the node's /healthz (JetStream current) with a bound.
func (c *natsCluster) awaitHealthy(node *natsNode, within time.Duration) {
	c.t.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", node.http)
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-node.exited:
			b, _ := os.ReadFile(node.log)
			c.t.Fatalf("%s exited: %s", node.name, tailBytes(b))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(node.log)
			c.t.Fatalf("%s not healthy within %s: %s", node.name, within, tailBytes(b))
		}
	}
}

func tailBytes(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// keepLogs copies the logs of a failed run (services and nodes) into dir.
func keepLogs(t *testing.T, dir string, logs map[string]string, cl *natsCluster) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	for _, n := range cl.nodes {
		logs["nats-"+n.name] = n.log
	}
	for name, path := range logs {
		if b, err := os.ReadFile(path); err == nil {
			_ = os.WriteFile(filepath.Join(dir, name+".log"), b, 0o644)
		}
	}
	t.Logf("logs kept in %s", dir)
}
