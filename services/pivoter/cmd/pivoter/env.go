package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
)

// Settings are the pivoter's settings, read by ConfigFromEnv from the
// IRISFLOW_* variables (and the YAML file named by IRISFLOW_CONFIG) through
// pkg/config, which documents every default.
type Settings struct {
	// DatabaseURL is IRISFLOW_DATABASE_URL; Migrate is IRISFLOW_MIGRATE (default true).
	DatabaseURL string
	Migrate     bool
	// NATSURL is IRISFLOW_NATS_URL; StreamReplicas the streams' replicas.
	NATSURL        string
	StreamReplicas int
	// HTTPListen serves /healthz, /readyz, /metrics (IRISFLOW_HTTP_LISTEN; "off" = none).
	HTTPListen string
	// IrisURL, IrisUser, IrisKey, IrisAuth: IRISFLOW_IRIS_URL/USER/KEY/AUTH.
	IrisURL, IrisUser, IrisKey string
	IrisAuth                   iris.AuthMode
	IrisTimeout                time.Duration
	// IrisPerMinute, IrisPerHour, IrisPerMonth: the shared Iris quota.
	IrisPerMinute, IrisPerHour, IrisPerMonth int
	// ProfileTTL is IRISFLOW_CACHE_TTL; the pivot search cache uses pivoter.search_ttl.
	ProfileTTL, SearchTTL time.Duration
	// Threshold is IRISFLOW_PIVOT_THRESHOLD; AutoTypes IRISFLOW_AUTOPIVOT_TYPES.
	Threshold int
	AutoTypes []string
	// Caps, depth and concurrency (pivoter.* and playbook.max_depth in the YAML file).
	MaxResults, MaxArtifactsPerPivot, MaxArtifactsPerIncident, MaxDepth, Concurrency int
}

// ConfigFromEnv reads and validates the settings for a pivoter process.
func ConfigFromEnv(getenv func(string) string) (Settings, error) {
	only := func(k string) string {
		if k == "IRISFLOW_SERVICES" {
			return "pivoter" // validate what the pivoter needs, nothing else
		}
		return getenv(k)
	}
	c, err := config.Load(getenv("IRISFLOW_CONFIG"), only)
	if err != nil {
		return Settings{}, err
	}
	auth, err := iris.ParseAuthMode(c.Iris.Auth)
	if err != nil {
		return Settings{}, fmt.Errorf("config: IRISFLOW_IRIS_AUTH: %w", err)
	}
	return Settings{
		DatabaseURL: c.DatabaseURL, Migrate: c.Migrate == nil || *c.Migrate,
		NATSURL: c.NATSURL, StreamReplicas: c.StreamReplicas, HTTPListen: c.HTTPListen,
		IrisURL: c.Iris.URL, IrisUser: c.Iris.User, IrisKey: c.Iris.Key, IrisAuth: auth, IrisTimeout: c.Iris.Timeout,
		IrisPerMinute: c.Iris.PerMinute, IrisPerHour: c.Iris.PerHour, IrisPerMonth: c.Iris.PerMonth,
		ProfileTTL: c.Enricher.CacheTTL, SearchTTL: c.Pivoter.SearchTTL,
		Threshold: c.Playbook.PivotThreshold, AutoTypes: c.Playbook.PivotTypes,
		MaxResults: c.Pivoter.MaxResults, MaxArtifactsPerPivot: c.Pivoter.MaxArtifactsPerPivot,
		MaxArtifactsPerIncident: c.Pivoter.MaxArtifactsPerIncident, MaxDepth: c.Playbook.MaxDepth,
		Concurrency: c.Pivoter.Concurrency,
	}, nil
}

// LogAttrs are the settings to log at start, secrets masked.
func (s Settings) LogAttrs() []any {
	masked := config.Config{DatabaseURL: s.DatabaseURL, NATSURL: s.NATSURL, Iris: config.Iris{Key: s.IrisKey}}.Masked()
	return []any{
		slog.String("database_url", masked.DatabaseURL), slog.Bool("migrate", s.Migrate),
		slog.String("nats_url", masked.NATSURL), slog.String("http_listen", s.HTTPListen),
		slog.String("iris_url", s.IrisURL), slog.String("iris_user", s.IrisUser), slog.String("iris_key", masked.Iris.Key),
		slog.String("iris_auth", s.IrisAuth.String()), slog.Int("iris_per_minute", s.IrisPerMinute),
		slog.Duration("profile_ttl", s.ProfileTTL), slog.Duration("search_ttl", s.SearchTTL),
		slog.Int("threshold", s.Threshold), slog.Any("auto_types", s.AutoTypes),
		slog.Int("max_results", s.MaxResults), slog.Int("max_artifacts_per_pivot", s.MaxArtifactsPerPivot),
		slog.Int("max_artifacts_per_incident", s.MaxArtifactsPerIncident), slog.Int("max_depth", s.MaxDepth),
		slog.Int("concurrency", s.Concurrency),
	}
}
