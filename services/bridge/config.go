package bridge

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// Destination is one Resilient message destination the bridge serves: it
// subscribes to actions.<Org>.<Name>.
type Destination struct {
	Org  int64
	Name string // the destination's API name, e.g. "domaintools"
}

// Queue is the STOMP destination the bridge subscribes to (also the subscription id).
func (d Destination) Queue() string { return fmt.Sprintf("actions.%d.%s", d.Org, d.Name) }

func (d Destination) String() string { return fmt.Sprintf("%d:%s", d.Org, d.Name) }

// Config configures the bridge.
type Config struct {
	// StompURL is the broker: stomp+ssl://host:65001 (TLS, the default scheme
	// of Resilient) or ssl://host:port; plaintext stomp://host:port only when
	// given explicitly. Required.
	StompURL string
	// CAFile is an extra PEM bundle trusted for the broker's certificate, on
	// top of the system roots. Optional.
	CAFile string
	// InsecureSkipVerify disables certificate verification. Default false:
	// the broker's certificate is verified.
	InsecureSkipVerify bool
	// Login and Passcode are the Resilient API key id and secret. Never logged.
	Login, Passcode string
	// Destinations to subscribe to; at least one.
	Destinations []Destination
	// Prefetch is activemq.prefetchSize per subscription, and the number of
	// frames handled at once. Default 20.
	Prefetch int
	// HeartBeat is the STOMP heart-beat interval asked for in both
	// directions. A connection with no frame or heart-beat from the broker
	// for its interval plus half of this is dead. Default 5s.
	HeartBeat time.Duration
	// ReconnectMin and ReconnectMax bound the exponential reconnect backoff
	// (with jitter). Defaults 1s and 30s.
	ReconnectMin, ReconnectMax time.Duration
	// FunctionKinds overrides the function API name -> kind mapping
	// (flow.FunctionKinds). Optional.
	FunctionKinds map[string]string
	// NATS is the JetStream context. Required.
	NATS jetstream.JetStream
	// Streams tune the irisflow streams, which the bridge ensures at start.
	Streams flow.StreamOptions
	// FrameTTL is how long the frame record (see FrameRecords) remembers a
	// message-id. Default 7 days.
	FrameTTL time.Duration
	// ReplyConcurrency is how many replies are in flight at once (SENT,
	// waiting for their RECEIPTs): replies of different invocations never
	// wait for each other; an invocation's replies go one after the other,
	// in order. Default 256 (flow.BridgeConsumer's MaxAckPending allows
	// several bridges).
	ReplyConcurrency int
	// Grace bounds the shutdown: in-flight frames and replies get this long
	// to finish after the context is cancelled. Default 20s.
	Grace time.Duration
	// Ready receives the bridge's readiness (component "bridge"): ready while
	// subscribed to every destination with the reply connection up. Optional.
	Ready *obs.Readiness
	// Metrics counts connections, frames, replies and their RECEIPT times. Optional.
	Metrics *obs.Metrics
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Config errors callers can branch on.
var (
	ErrConfig = errors.New("bridge: invalid config")
)

func (c Config) withDefaults() Config {
	if c.Prefetch <= 0 {
		c.Prefetch = 20
	}
	if c.HeartBeat <= 0 {
		c.HeartBeat = 5 * time.Second
	}
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = time.Second
	}
	if c.ReconnectMax <= 0 {
		c.ReconnectMax = 30 * time.Second
	}
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = c.ReconnectMin
	}
	if c.FrameTTL <= 0 {
		c.FrameTTL = 7 * 24 * time.Hour
	}
	if c.ReplyConcurrency <= 0 {
		c.ReplyConcurrency = 256
	}
	if c.Grace <= 0 {
		c.Grace = 20 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	if c.NATS == nil {
		return fmt.Errorf("%w: no JetStream context", ErrConfig)
	}
	if len(c.Destinations) == 0 {
		return fmt.Errorf("%w: no destinations", ErrConfig)
	}
	seen := map[string]bool{}
	for _, d := range c.Destinations {
		if d.Org <= 0 || d.Name == "" {
			return fmt.Errorf("%w: destination %q needs an org and a name", ErrConfig, d)
		}
		if seen[d.Queue()] {
			return fmt.Errorf("%w: destination %s listed twice", ErrConfig, d)
		}
		seen[d.Queue()] = true
	}
	if _, _, err := parseStompURL(c.StompURL); err != nil {
		return err
	}
	return nil
}

// parseStompURL is resilient.ParseStompURL with the bridge's ErrConfig.
func parseStompURL(s string) (addr string, useTLS bool, err error) {
	addr, useTLS, err = resilient.ParseStompURL(s)
	if err != nil {
		return "", false, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return addr, useTLS, nil
}

// LogValue describes the config without secrets.
func (c Config) LogValue() slog.Value {
	ds := make([]string, len(c.Destinations))
	for i, d := range c.Destinations {
		ds[i] = d.String()
	}
	return slog.GroupValue(
		slog.String("stomp_url", c.StompURL),
		slog.String("ca_file", c.CAFile),
		slog.Bool("insecure_skip_verify", c.InsecureSkipVerify),
		slog.String("login", c.Login), // the API key id, as pkg/config shows it
		slog.String("passcode", mask(c.Passcode)),
		slog.Any("destinations", ds),
		slog.Int("prefetch", c.Prefetch),
		slog.Duration("heartbeat", c.HeartBeat),
	)
}

// mask hides a secret entirely; it only says whether one is set.
func mask(s string) string {
	if s == "" {
		return ""
	}
	return "*****"
}
