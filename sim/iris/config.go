package irissim

import (
	"time"
)

// Config configures a Server. The zero value of a field means its default,
// except AllowOpenKey (false = HMAC only; DefaultConfig sets it true).
type Config struct {
	// Users maps api_username to API key. Default {"demo": "demo-key"}.
	Users map[string]string
	// AllowOpenKey accepts api_username+api_key (and the X-Api-Key header)
	// besides HMAC-signed requests. DefaultConfig: true.
	AllowOpenKey bool
	// MaxSkew is the accepted distance between a signed request's
	// timestamp and Now. Default 5m.
	MaxSkew time.Duration
	// FixturesDir is a directory of recorded responses (*.json, any of the
	// shapes accepted by LoadFixtures). "" = none.
	FixturesDir string
	// Universe is the number of synthetic domains added to the built-in
	// seed-guide domains. 0 = built-ins only.
	Universe int
	// Seed seeds the universe; same Seed and same day of Now → same data.
	Seed int64
	// ResultCap is the largest search result served; above it the answer
	// is limit_exceeded. Default 10000.
	ResultCap int
	// MaxPageSize is the largest page_size accepted (also the default page
	// size). Default 500.
	MaxPageSize int
	// PerMinute is the per-username, per-product request quota in a fixed
	// calendar minute; over it the answer is 503. Default
	// DefaultPerMinute: a real account always has one (python_api's
	// recordings, tests/fixtures/vcr/test_account_information.yaml).
	PerMinute int
	// PerHour is the per-username, per-product request quota in a fixed
	// calendar hour; over it the answer is 503. 0 = none, answered as a
	// null per_hour_limit (as the recorded accounts of 2024-2026 do).
	PerHour int
	// Latency is added to every /v1 request (cut short when the request's
	// context ends). Default 0.
	Latency time.Duration
	// ErrorRate is the fraction of authenticated /v1 requests answered 500,
	// chosen deterministically from Seed and the request's sequence number.
	ErrorRate float64
	// MaxURLBytes is the longest request URI accepted (414 above). Default 2048.
	MaxURLBytes int
	// MaxBodyBytes is the largest request body accepted (413 above). Default 64 KiB.
	MaxBodyBytes int64
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// DefaultPerMinute is the per-minute quota of a Config that sets none: a
// limit no test or benchmark reaches, answered and enforced like any other.
const DefaultPerMinute = 100000

// DefaultConfig returns the defaults: user demo/demo-key, open key allowed,
// 5m skew, cap 10000, pages of 500, DefaultPerMinute, no universe.
func DefaultConfig() Config {
	return Config{
		Users:        map[string]string{"demo": "demo-key"},
		AllowOpenKey: true,
		MaxSkew:      5 * time.Minute,
		ResultCap:    10000,
		MaxPageSize:  500,
		MaxURLBytes:  2048,
		MaxBodyBytes: 64 << 10,
		PerMinute:    DefaultPerMinute,
		Now:          time.Now,
	}
}

func (c *Config) applyDefaults() {
	d := DefaultConfig()
	if len(c.Users) == 0 {
		c.Users = d.Users
	}
	if c.MaxSkew <= 0 {
		c.MaxSkew = d.MaxSkew
	}
	if c.ResultCap <= 0 {
		c.ResultCap = d.ResultCap
	}
	if c.MaxPageSize <= 0 {
		c.MaxPageSize = d.MaxPageSize
	}
	if c.MaxURLBytes <= 0 {
		c.MaxURLBytes = d.MaxURLBytes
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.PerMinute <= 0 {
		c.PerMinute = d.PerMinute
	}
	if c.Now == nil {
		c.Now = d.Now
	}
}
