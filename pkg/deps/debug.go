package deps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"golang.org/x/sync/errgroup"
)

// serveDebug serves Go's pprof profiles under /debug/pprof/ on
// Config.DebugListen, when set, until ctx ends (opt-in: profiles show the
// process's internals).
func (d *Deps) serveDebug(ctx context.Context, g *errgroup.Group) error {
	listen := d.Config.DebugListen
	if listen == "" || listen == "off" {
		return nil
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("debug listen %s: %w", listen, err)
	}
	d.mu.Lock()
	d.debugAddr = l.Addr().String()
	d.mu.Unlock()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	serveHTTP(ctx, g, l, mux, "debug http")
	d.Log.Info("serving pprof on the debug listener", "addr", l.Addr().String())
	return nil
}

// DebugAddr is the address /debug/pprof/ listens on once Run serves it
// ("" before, or when off).
func (d *Deps) DebugAddr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.debugAddr
}

// serveHTTP serves h on l in g until ctx ends, then shuts the server down
// within shutdownTimeout; a serving failure is g's error, prefixed by what.
func serveHTTP(ctx context.Context, g *errgroup.Group, l net.Listener, h http.Handler, what string) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	g.Go(func() error {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		return srv.Shutdown(sctx)
	})
}
