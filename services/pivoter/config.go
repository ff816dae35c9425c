package pivoter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
)

// Iris is what the pivoter needs of Iris; *iris.Client implements it.
type Iris interface {
	// Search runs a pivot search to the end or the WithMaxResults cap.
	Search(ctx context.Context, q iris.Query, opts ...iris.SearchOption) (*iris.SearchResult, error)
	// Investigate profiles domains.
	Investigate(ctx context.Context, domains []string) (*iris.Profiles, error)
}

// Config configures Run. JS, Store and Iris are required; every other field
// has the default its comment states.
type Config struct {
	// JS is the JetStream context; the streams must exist (flow.EnsureStreams).
	JS jetstream.JetStream
	// Store holds the profile cache, the pivot search cache, the pivot
	// history and the incident domains.
	Store *store.Store
	// Iris runs searches and profiles; the shared quota is its Limiter.
	Iris Iris
	// ProfileTTL is how old a stored profile may be to be used instead of
	// asking Iris. Default 24h.
	ProfileTTL time.Duration
	// SearchTTL is how old a stored pivot search (same type, value and
	// filters) may be to answer instead of Iris. Default 24h.
	SearchTTL time.Duration
	// Threshold is the guided-pivot bound: values shared by Threshold
	// domains or more are not pivots. A function's dt_pivot_count, or the
	// auto-pivot body's threshold, overrides it. Default 300.
	Threshold int
	// AutoTypes are the pivot types auto-pivot executes (any type
	// pivot.Param accepts; aliases allowed). Default ssl_hash, ip, email,
	// as the seed's workflow.
	AutoTypes []string
	// MaxResults caps the domains one search returns (Iris charges a query
	// per page of 500). Default 5000.
	MaxResults int
	// MaxArtifactsPerPivot caps the artifacts one pivot run creates.
	// Default 25.
	MaxArtifactsPerPivot int
	// MaxArtifactsPerIncident caps the artifacts pivots create on one
	// incident, over all runs. Default 100.
	MaxArtifactsPerIncident int
	// MaxDepth is the pivot depth limit: a domain at depth MaxDepth or more
	// (0 = an analyst's artifact, n+1 = found by a pivot from depth n) is
	// not pivoted on. Default 1: analysts' artifacts are pivoted, their
	// finds are not.
	MaxDepth int
	// Concurrency is how many FN messages are worked on at once. Default 8.
	Concurrency int
	// Grace is how long in-flight work may finish after ctx ends. Default 20s.
	Grace time.Duration
	// Ready receives the "pivoter" readiness (false while Iris refuses the
	// credentials). Optional.
	Ready *obs.Readiness
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock of reply metrics. Default time.Now.
	Now func() time.Time
	// Quota is the shared Iris budget: work Iris refused as unavailable
	// (503) is retried when its pause ends. Optional.
	Quota *store.Quota
	// Version is reported as metrics.package_version. Default "dev".
	Version string
	// Observer sees every handled delivery (metrics). Optional.
	Observer work.Observer
}

// Defaults of Config.
const (
	DefaultTTL                     = config.DefaultSearchTTL
	DefaultMaxResults              = config.DefaultMaxResults
	DefaultMaxArtifactsPerPivot    = config.DefaultMaxArtifactsPerPivot
	DefaultMaxArtifactsPerIncident = config.DefaultMaxArtifactsPerIncident
	DefaultMaxDepth                = config.DefaultMaxDepth
	DefaultConcurrency             = config.DefaultPivoterConcurrency
)

// DefaultAutoTypes are the seed workflow's auto-pivot types.
var DefaultAutoTypes = config.DefaultPivotTypes

// withDefaults fills in defaults and checks the configuration.
func (c Config) withDefaults() (Config, error) {
	errs := config.Missing(config.Required{Field: "JS", Missing: c.JS == nil},
		config.Required{Field: "Store", Missing: c.Store == nil}, config.Required{Field: "Iris", Missing: c.Iris == nil})
	config.Positive(&c.ProfileTTL, config.DefaultProfileTTL)
	config.Positive(&c.SearchTTL, DefaultTTL)
	// The store counts ages in microseconds and reads 0 as "any age".
	c.ProfileTTL, c.SearchTTL = max(c.ProfileTTL, time.Microsecond), max(c.SearchTTL, time.Microsecond)
	config.Positive(&c.Threshold, pivot.DefaultThreshold)
	if len(c.AutoTypes) == 0 {
		c.AutoTypes = DefaultAutoTypes
	}
	types := make([]string, 0, len(c.AutoTypes))
	for _, t := range c.AutoTypes {
		p, err := pivot.Resolve(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("AutoTypes: %w", err))
			continue
		}
		types = append(types, p)
	}
	c.AutoTypes = types
	config.Positive(&c.MaxResults, DefaultMaxResults)
	config.Positive(&c.MaxArtifactsPerPivot, DefaultMaxArtifactsPerPivot)
	config.Positive(&c.MaxArtifactsPerIncident, DefaultMaxArtifactsPerIncident)
	config.Positive(&c.MaxDepth, DefaultMaxDepth)
	config.Positive(&c.Concurrency, DefaultConcurrency)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("pivoter: config: %w", errors.Join(errs...))
	}
	return c, nil
}
