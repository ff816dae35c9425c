package resilient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/backoff"
)

// ClientConfig configures a Client. Either the API key (preferred) or the
// email/password pair must be set.
type ClientConfig struct {
	// BaseURL is SOAR's address, e.g. https://soar.example.com (a path
	// prefix is kept). Required.
	BaseURL string
	// Org is the org id every call is made in (/rest/orgs/<org>/...). Required.
	Org int64
	// APIKeyID and APIKeySecret authenticate every request with HTTP Basic.
	APIKeyID, APIKeySecret string
	// Email and Password are used when no API key is set: the client logs in
	// with POST /rest/session and sends X-sess-id plus the JSESSIONID cookie,
	// logging in again once when a call answers 401.
	Email, Password string
	// CAFile is a PEM file of CAs to trust instead of the system pool.
	// Ignored when HTTPClient is set.
	CAFile string
	// Insecure skips TLS verification (tests only). Ignored when HTTPClient is set.
	Insecure bool
	// HTTPClient is the client to use; default: a new one built from CAFile/Insecure.
	HTTPClient *http.Client
	// Timeout bounds each attempt of a call. Default 30s.
	Timeout time.Duration
	// MaxRetries is how many times a retryable call is retried. Default 3;
	// negative means none.
	MaxRetries int
	// Backoff is the first retry delay, doubled each retry with jitter.
	// Default 500ms.
	Backoff time.Duration
	// MaxBackoff caps a retry delay (also a server's Retry-After). Default 30s.
	MaxBackoff time.Duration
	// Logger receives debug lines (method, path, status; never credentials).
	// Default slog.Default().
	Logger *slog.Logger
	// Observe, when set, is told of every HTTP request: method, path, the
	// status (0 when no answer came) and the duration (metrics;
	// obs.Metrics.ResilientRequest).
	Observe func(method, path string, status int, d time.Duration)
}

// Client calls SOAR's REST API in one org.
//
// Retries: a GET is retried (up to MaxRetries, exponential backoff with
// jitter, within ctx) on any retryable error: network failures, timeouts,
// 409, 429 and 5xx, waiting at least the server's Retry-After. A POST
// creates an object, so it is retried only when repeating it cannot create
// a second one: when the connection could not be made (Error.NotSent), or
// on 429 or on 503 with Retry-After (the server refused it before doing
// anything). After an ambiguous failure (a timeout or a 5xx once the
// request was sent) the retryable *Error goes back to the caller, which
// must find out whether the object exists (the writer's ledger reconciles
// by listing) before it tries again.
//
// A Client is safe for concurrent use.
type Client struct {
	cfg  ClientConfig
	base string
	hc   *http.Client
	log  *slog.Logger

	mu   sync.Mutex
	sess *session
}

// NewClient checks cfg, fills its defaults and builds a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("resilient client: base URL %q must be http(s)://host[:port]", cfg.BaseURL)
	}
	if cfg.Org <= 0 {
		return nil, errors.New("resilient client: org is required")
	}
	apiKey := cfg.APIKeyID != "" || cfg.APIKeySecret != ""
	switch {
	case apiKey && (cfg.APIKeyID == "" || cfg.APIKeySecret == ""):
		return nil, errors.New("resilient client: API key needs both id and secret")
	case !apiKey && (cfg.Email == "" || cfg.Password == ""):
		return nil, errors.New("resilient client: set an API key id/secret or an email/password")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // opt-in for tests
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("resilient client: read CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("resilient client: no certificate in CA file %s", cfg.CAFile)
			}
			tlsCfg.RootCAs = pool
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tlsCfg
		hc = &http.Client{Transport: tr}
	}
	return &Client{cfg: cfg, base: strings.TrimRight(u.String(), "/"), hc: hc, log: cfg.Logger}, nil
}

// Org is the org the client works in.
func (c *Client) Org() int64 { return c.cfg.Org }

func (c *Client) incidentPath(id int64, suffix string) string {
	return fmt.Sprintf("/rest/orgs/%d/incidents/%d%s", c.cfg.Org, id, suffix)
}

type ctxTokenKey struct{}

// WithContextToken returns a context whose calls send token (the message's
// Co3ContextToken) as X-Co3ContextToken, so SOAR attributes the writes to
// the workflow that asked for them.
func WithContextToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, ctxTokenKey{}, token)
}

func contextToken(ctx context.Context) string {
	s, _ := ctx.Value(ctxTokenKey{}).(string)
	return s
}

// do runs one call with auth, retries and JSON decoding of the reply into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return &Error{Method: method, Path: path, Kind: KindClient, Message: "encode request: " + err.Error()}
		}
	}
	relogged := false
	for attempt := 0; ; attempt++ {
		e := c.attempt(ctx, method, path, body, out)
		if e == nil {
			return nil
		}
		if e.Kind == KindAuth && e.Status == http.StatusUnauthorized && c.usesSession() && !relogged {
			relogged = true
			c.dropSession()
			attempt--
			continue
		}
		if attempt >= c.cfg.MaxRetries || !mayRetry(method, e) || ctx.Err() != nil {
			return e
		}
		wait := c.backoff(attempt)
		if e.RetryAfter > wait {
			wait = min(e.RetryAfter, c.cfg.MaxBackoff)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return e
		}
		c.log.DebugContext(ctx, "resilient retry", "method", method, "path", path, "status", e.Status, "attempt", attempt+1, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return e
		case <-t.C:
		}
	}
}

// mayRetry is the retry rule described on Client.
func mayRetry(method string, e *Error) bool {
	if !e.Retryable {
		return false
	}
	switch method {
	case http.MethodGet, http.MethodHead:
		return true
	}
	return e.NotSent || e.Kind == KindRateLimited || (e.Status == http.StatusServiceUnavailable && e.RetryAfter > 0)
}

func (c *Client) backoff(attempt int) time.Duration {
	return backoff.Policy{Base: c.cfg.Backoff, Max: c.cfg.MaxBackoff}.Delay(attempt)
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, method, path string, body []byte, out any) *Error {
	return c.send(ctx, method, path, body, out, true, nil)
}

// send sends one request, with the client's credentials when auth is set,
// and keeps the reply's cookies when cookies is not nil.
func (c *Client) send(ctx context.Context, method, path string, body []byte, out any, auth bool, cookies *[]*http.Cookie) *Error {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return &Error{Method: method, Path: path, Kind: KindClient, Message: "build request", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "irisflow")
	if tok := contextToken(ctx); tok != "" {
		req.Header.Set("X-Co3ContextToken", tok)
	}
	if auth {
		if e := c.authorize(ctx, req); e != nil {
			return e
		}
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if c.cfg.Observe != nil {
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		c.cfg.Observe(method, path, status, time.Since(start))
	}
	if err != nil {
		c.log.DebugContext(ctx, "resilient request failed", "method", method, "path", path, "error", err)
		return transportError(method, path, err)
	}
	defer resp.Body.Close()
	if cookies != nil {
		*cookies = resp.Cookies()
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	c.log.DebugContext(ctx, "resilient request", "method", method, "path", path, "status", resp.StatusCode, "duration", time.Since(start))
	if err != nil {
		return &Error{Method: method, Path: path, Status: resp.StatusCode, Kind: KindNetwork, Retryable: true, Message: "read reply", Err: err}
	}
	if resp.StatusCode >= 300 {
		return statusError(method, path, resp.StatusCode, resp.Header, data)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return &Error{Method: method, Path: path, Status: resp.StatusCode, Kind: KindServer, Retryable: true, Message: "undecodable reply: " + err.Error()}
		}
	}
	return nil
}

// transportError classifies an error without an HTTP answer. A failed dial
// (refused, unreachable, DNS, dial timeout) means nothing was sent.
func transportError(method, path string, err error) *Error {
	e := &Error{Method: method, Path: path, Kind: KindNetwork, Retryable: true, Err: err}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		e.NotSent = true
	}
	// An untrusted certificate will not become trusted by retrying.
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		e.Retryable, e.Message = false, "TLS certificate not trusted (set CAFile)"
	}
	return e
}
