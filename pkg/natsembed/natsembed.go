// Package natsembed runs a nats-server with JetStream inside an irisflow
// process: `nats_url: embedded` of a one-box installation (irisflow run),
// the demo, and the tests. It is a single node: no cluster, no replicas,
// and the data is only as safe as the disk under Dir.
package natsembed

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyWait bounds the wait for the server to accept connections.
const readyWait = 10 * time.Second

// Options configure Start.
type Options struct {
	// Dir is the JetStream store directory, created when missing. Required.
	Dir string
	// Listen is the client address. Default "127.0.0.1:0": loopback only,
	// on a free port.
	Listen string
	// Logger receives the server's warnings and errors (notices at debug
	// level). Default: the server logs nothing.
	Logger *slog.Logger
}

// Start starts the server and waits until it accepts connections. Stop it
// with Shutdown and WaitForShutdown; its ClientURL is where to connect.
func Start(o Options) (*server.Server, error) {
	if o.Dir == "" {
		return nil, errors.New("embedded nats: a data directory is required")
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded nats: data directory: %w", err)
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	host, p, err := net.SplitHostPort(o.Listen)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil {
		return nil, fmt.Errorf("embedded nats: listen address %q is not host:port", o.Listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	s, err := server.NewServer(&server.Options{
		ServerName: "irisflow-embedded", Host: host, Port: port,
		JetStream: true, StoreDir: o.Dir, NoLog: o.Logger == nil, NoSigs: true,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	if o.Logger != nil {
		s.SetLoggerV2(slogLogger{o.Logger.With("component", "nats-server")}, false, false, false)
	}
	go s.Start()
	if !s.ReadyForConnections(readyWait) {
		s.Shutdown()
		return nil, fmt.Errorf("embedded nats: not ready within %s (is %s in use, or %s not writable?)", readyWait, o.Listen, o.Dir)
	}
	return s, nil
}

// slogLogger is nats-server's logger on slog.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l slogLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l slogLogger) Fatalf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l slogLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l slogLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l slogLogger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
