package deps

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/irisflow/irisflow/pkg/obs"
)

// shutdownTimeout bounds the health listener's graceful shutdown.
const shutdownTimeout = 5 * time.Second

// Service is one service Run runs.
type Service struct {
	// Name is the service's name in logs and errors (config.ServiceBridge …).
	Name string
	// Run runs the service until ctx ends (then returns nil after finishing
	// its in-flight work) or it fails.
	Run func(ctx context.Context) error
}

// Run runs services and the /healthz, /readyz and /metrics listener on
// Config.HTTPListen ("off": none) until ctx ends or one of them fails; then
// it stops all of them gracefully and returns the first failure. It also
// returns when every service has stopped on its own.
func (d *Deps) Run(ctx context.Context, services ...Service) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, ctx := errgroup.WithContext(ctx)
	if listen := d.Config.HTTPListen; listen != "off" && listen != "" {
		l, err := net.Listen("tcp", listen)
		if err != nil {
			return fmt.Errorf("http listen %s: %w", listen, err)
		}
		d.mu.Lock()
		d.httpAddr = l.Addr().String()
		d.mu.Unlock()
		var reg prometheus.Gatherer // the default one for a Deps not from Open
		if d.Metrics != nil {
			reg = d.Metrics.Registry()
		}
		serveHTTP(ctx, g, l, obs.Handler(d.Ready, reg), "http")
		d.Log.Info("serving /healthz /readyz /metrics", "addr", l.Addr().String())
	}
	if err := d.serveDebug(ctx, g); err != nil {
		cancel()
		_ = g.Wait()
		return err
	}
	var running sync.WaitGroup
	for _, s := range services {
		running.Add(1)
		g.Go(func() error {
			defer running.Done()
			d.Log.Info("service starting", "service", s.Name)
			if err := s.Run(ctx); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			d.Log.Info("service stopped", "service", s.Name)
			return nil
		})
	}
	g.Go(func() error {
		running.Wait()
		cancel() // every service has stopped: stop the listener too
		return nil
	})
	return g.Wait()
}

// HTTPAddr is the address /healthz, /readyz and /metrics listen on once Run
// serves them ("" before, or when disabled).
func (d *Deps) HTTPAddr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.httpAddr
}
