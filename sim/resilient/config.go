package resilientsim

import "time"

// Demo data preloaded into every Sim (from the seed app guide).
const (
	DemoOrg          int64 = 201
	DemoIncident     int64 = 4206
	DemoIncidentName       = "PhishMe_Ident2"
)

// Default credentials of a Sim.
const (
	DefaultAPIKeyID     = "irisflow-key"
	DefaultAPIKeySecret = "irisflow-secret"
	DefaultEmail        = "admin@example.com"
	DefaultPassword     = "irisflow-password"
)

// Config configures a Sim. The zero value is usable.
type Config struct {
	// Orgs are the org ids that exist. Default [201]. Incident 4206 is
	// preloaded in org 201 when it is listed (it is by default).
	Orgs []int64
	// APIKeys maps API key id to secret. Default {"irisflow-key": "irisflow-secret"}.
	APIKeys map[string]string
	// Users maps email to password for session login. Default
	// {"admin@example.com": "irisflow-password"}.
	Users map[string]string
	// Latency is added to every REST request. Default 0.
	Latency time.Duration
	// ErrorRate is the share (0..1) of REST requests answered 500, drawn
	// from a generator seeded with Seed (the same request sequence fails the
	// same way on every run). Default 0.
	ErrorRate float64
	// RateLimit is the number of requests per second each credential may
	// make; beyond it the sim answers 429 with Retry-After. Default 0 (no limit).
	RateLimit int
	// Seed seeds the fault generator. Default 0.
	Seed int64
	// Tables are extra data tables (API name -> column API names) besides
	// domaintools_results, which always exists.
	Tables map[string][]string
	// NoResultsTable leaves domaintools_results out, as a SOAR where the
	// DomainTools app's customizations were never imported. Default false.
	NoResultsTable bool
	// ArtifactReplyObject makes the artifact POST answer one object instead
	// of a list of one. Default false (a list, as community code expects).
	ArtifactReplyObject bool
}

func (c Config) withDefaults() Config {
	if len(c.Orgs) == 0 {
		c.Orgs = []int64{DemoOrg}
	}
	if c.APIKeys == nil {
		c.APIKeys = map[string]string{DefaultAPIKeyID: DefaultAPIKeySecret}
	}
	if c.Users == nil {
		c.Users = map[string]string{DefaultEmail: DefaultPassword}
	}
	return c
}
