package writer

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

// ReadinessComponent is the name under which the writer reports its
// readiness: false while Resilient rejects the credentials of an org.
const ReadinessComponent = "writer"

// ErrConfig is returned (wrapped) by Run for an unusable Config.
var ErrConfig = errors.New("writer: invalid config")

// Config configures the writer.
type Config struct {
	// JS is the JetStream context the WRITES stream is consumed from and
	// error replies are published with. Required.
	JS jetstream.JetStream
	// Store holds the write ledger. Required.
	Store *store.Store
	// Clients returns the REST client of an org (one client per org; the
	// writer asks once per org and keeps the answer). An error means the
	// org is not served: its commands are dead-lettered. Required.
	Clients func(org int64) (*resilient.Client, error)
	// RatePerSecond caps the REST requests per second made in each org
	// (golang.org/x/time/rate, burst of one second's worth). Default 10.
	RatePerSecond float64
	// Concurrency is how many commands are handled at once. Default 8.
	Concurrency int
	// AuthProbeInterval is how often the credentials of an org whose writes
	// are paused (401/403) are tried again with a cheap GET. Default 30s.
	AuthProbeInterval time.Duration
	// ReconcileSkew widens the window in which a note found during
	// reconciliation counts as written by this command: notes with the same
	// content created at or after PendingSince - ReconcileSkew (clock skew
	// between Postgres and Resilient). Default 2m.
	ReconcileSkew time.Duration
	// ClaimLease is how long a writer holds a command it began in the write
	// ledger unless it renews the claim (it does, every third of the lease,
	// while it works): another replica handed the same command meanwhile
	// waits instead of reconciling and posting it a second time, and the
	// claim of a writer that died ends with the lease. Longer than a POST's
	// timeout is not needed (renewed), shorter than the WRITES AckWait is
	// (a redelivery after a crash should find it ended). Default 15s.
	ClaimLease time.Duration
	// Grace bounds the shutdown: in-flight commands get this long to finish
	// after the context is cancelled. Default 20s (flow.Consume's default).
	Grace time.Duration
	// Ready receives the writer's readiness (component "writer"). Optional.
	Ready *obs.Readiness
	// Metrics counts the writes by kind and outcome and the ledger
	// reconciliations. Optional.
	Metrics *obs.Metrics
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	// afterPost, when set (tests only), runs right after a successful POST
	// and before the ledger update; an error abandons the command there, as
	// a crash of the process would.
	afterPost func(cmd *flow.WriteCommand, objectID int64) error
	// beforePost, when set (tests only), runs right before the POST, the
	// command claimed in the ledger; an error abandons the command there.
	beforePost func(cmd *flow.WriteCommand) error
}

// Defaults of Config.
const (
	DefaultRatePerSecond     = config.DefaultRatePerSecond
	DefaultConcurrency       = config.DefaultWriterConcurrency
	DefaultAuthProbeInterval = config.DefaultAuthProbeInterval
	DefaultReconcileSkew     = 2 * time.Minute
	DefaultClaimLease        = 15 * time.Second
	DefaultGrace             = flow.DefaultGrace
)

func (c Config) withDefaults() Config {
	config.Positive(&c.RatePerSecond, DefaultRatePerSecond)
	config.Positive(&c.Concurrency, DefaultConcurrency)
	config.Positive(&c.AuthProbeInterval, DefaultAuthProbeInterval)
	config.Positive(&c.ReconcileSkew, DefaultReconcileSkew)
	config.Positive(&c.ClaimLease, DefaultClaimLease)
	config.Positive(&c.Grace, DefaultGrace)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.JS == nil:
		return fmt.Errorf("%w: no JetStream context", ErrConfig)
	case c.Store == nil:
		return fmt.Errorf("%w: no store", ErrConfig)
	case c.Clients == nil:
		return fmt.Errorf("%w: no Resilient clients", ErrConfig)
	}
	return nil
}
