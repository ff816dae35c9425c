package iris

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/irisflow/irisflow/pkg/backoff"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.domaintools.com"

// Endpoint paths.
const (
	PathInvestigate = "/v1/iris-investigate/"
	PathEnrich      = "/v1/iris-enrich/"
	PathAccount     = "/v1/account/"
)

// maxBody bounds how much of a response body is read (a full 500-result
// page is a few MB).
const maxBody = 64 << 20

// Config configures a Client.
type Config struct {
	// BaseURL is the API root; default DefaultBaseURL. A path prefix is kept
	// (and signed).
	BaseURL string
	// Username and APIKey are the DomainTools credentials (required).
	Username string
	APIKey   string
	// Auth selects the authentication scheme; default AuthHMACSHA256.
	Auth AuthMode
	// HTTPClient sends the requests; default a new http.Client without its
	// own timeout (Timeout applies per request).
	HTTPClient *http.Client
	// Timeout bounds each HTTP request; default 30s.
	Timeout time.Duration
	// MaxRetries is how many times a retryable failure is retried; default
	// 4. Use NoRetries for none.
	MaxRetries int
	// RetryBase and RetryMax shape the exponential backoff with full jitter;
	// defaults 500ms and 30s.
	RetryBase time.Duration
	RetryMax  time.Duration
	// Limiter paces requests and is paused on 503; default Unlimited.
	Limiter Limiter
	// AppName and AppVersion are sent as app_name / app_version when set.
	AppName    string
	AppVersion string
	// Now is the clock used for signatures; default time.Now.
	Now func() time.Time
	// Logger receives debug logs (never the key or signature); default
	// slog.Default().
	Logger *slog.Logger
	// Observe, when set, is told of every HTTP request: the endpoint path,
	// the status (0 when no answer came), the duration and the domains
	// asked for (metrics; obs.Metrics.IrisRequest).
	Observe func(endpoint string, status int, d time.Duration, domains int)
}

// NoRetries as Config.MaxRetries disables retries.
const NoRetries = -1

// Client talks to Iris Investigate, Iris Enrich and the account endpoint.
// It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	http *http.Client
	log  *slog.Logger

	requests atomic.Int64
	retries  atomic.Int64
}

// Stats counts the client's HTTP traffic.
type Stats struct {
	// Requests is the number of HTTP requests sent (retries included).
	Requests int64
	// Retries is the number of those that were retries.
	Retries int64
}

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("iris: new client: bad base URL %q", cfg.BaseURL)
	}
	if cfg.Username == "" || cfg.APIKey == "" {
		return nil, fmt.Errorf("iris: new client: username and API key are required")
	}
	if cfg.Auth < AuthHMACSHA256 || cfg.Auth > AuthOpenKey {
		return nil, fmt.Errorf("iris: new client: unknown auth mode %v", cfg.Auth)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 4
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 500 * time.Millisecond
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 30 * time.Second
	}
	if cfg.Limiter == nil {
		cfg.Limiter = Unlimited
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Client{cfg: cfg, base: base, http: cfg.HTTPClient, log: cfg.Logger}, nil
}

// Stats returns the request counters.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load()}
}

// call sends one API request with retries. check examines the body of an
// HTTP 200 answer (decoding it); its error is retried when retryable.
// params are not modified.
func (c *Client) call(ctx context.Context, method, endpoint string, params url.Values, domains int, check func([]byte) error) error {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
		}
		if attempt > 0 || !useReservation(ctx) {
			if err := c.cfg.Limiter.Wait(ctx); err != nil {
				return ctxError(endpoint, err, lastErr)
			}
		}
		body, err := c.once(ctx, method, endpoint, params, domains, attempt)
		if err == nil {
			err = check(body)
		}
		if err == nil {
			return nil
		}
		lastErr = err
		var e *Error
		if !errors.As(err, &e) || !e.Retryable || attempt >= c.cfg.MaxRetries || ctx.Err() != nil {
			return err
		}
		d := backoff.Policy{Base: c.cfg.RetryBase, Max: c.cfg.RetryMax}.Delay(attempt)
		if !fitsDeadline(ctx, d) {
			c.log.DebugContext(ctx, "iris: no time left to retry", "endpoint", endpoint, "attempt", attempt, "err", err)
			return err
		}
		c.log.DebugContext(ctx, "iris: retrying", "endpoint", endpoint, "attempt", attempt, "backoff", d, "err", err)
		start := time.Now()
		if e.Kind == KindUnavailable {
			if perr := c.cfg.Limiter.Pause(ctx, d); perr != nil {
				return ctxError(endpoint, perr, err)
			}
		}
		// A Pause that blocked already waited; sleep whatever is left.
		if serr := sleep(ctx, d-time.Since(start)); serr != nil {
			return ctxError(endpoint, serr, err)
		}
	}
}

// once sends a single HTTP request.
func (c *Client) once(ctx context.Context, method, endpoint string, params url.Values, domains, attempt int) ([]byte, error) {
	u := *c.base
	u.Path = c.base.Path + endpoint
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	if c.cfg.AppName != "" {
		form.Set("app_name", c.cfg.AppName)
	}
	if c.cfg.AppVersion != "" {
		form.Set("app_version", c.cfg.AppVersion)
	}
	authenticate(form, c.cfg.Auth, c.cfg.Username, c.cfg.APIKey, u.Path, c.cfg.Now())

	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var req *http.Request
	var err error
	if method == http.MethodGet {
		u.RawQuery = form.Encode()
		req, err = http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	} else {
		req, err = http.NewRequestWithContext(rctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return nil, newError(KindBadRequest, endpoint, 0, "build request", err)
	}
	req.Header.Set("Accept", "application/json")
	c.requests.Add(1)
	c.log.DebugContext(ctx, "iris: request", "endpoint", endpoint, "method", method, "domains", domains, "attempt", attempt)
	resp, err := c.send(req, endpoint, domains)
	if err != nil {
		return nil, transportError(ctx, rctx, endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, transportError(ctx, rctx, endpoint, err)
	}
	if len(body) > maxBody {
		return nil, newError(KindMalformed, endpoint, resp.StatusCode, fmt.Sprintf("body larger than %d bytes", maxBody), nil)
	}
	c.log.DebugContext(ctx, "iris: response", "endpoint", endpoint, "status", resp.StatusCode, "bytes", len(body), "attempt", attempt)
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	return nil, statusError(endpoint, resp.StatusCode, body)
}

// send does the HTTP exchange and tells Config.Observe of it.
func (c *Client) send(req *http.Request, endpoint string, domains int) (*http.Response, error) {
	start := time.Now()
	resp, err := c.http.Do(req)
	if c.cfg.Observe != nil {
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		c.cfg.Observe(endpoint, status, time.Since(start), domains)
	}
	return resp, err
}

// statusError builds the error for a non-200 answer, taking the message
// from the DomainTools error envelope when there is one.
func statusError(endpoint string, status int, body []byte) *Error {
	e := newError(statusKind(status), endpoint, status, "", nil)
	switch r, err := DecodeResponse(body); {
	case err == nil && r.Error != nil:
		e.Code, e.Message = r.Error.Code, r.Error.Message
	case err != nil:
		e.Message = snippet(body)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// transportError classifies a failure to get a response.
func transportError(ctx, rctx context.Context, endpoint string, err error) *Error {
	err = redactURL(err)
	switch {
	case ctx.Err() != nil:
		// The caller's context ended: not retried.
		e := newError(KindTimeout, endpoint, 0, "", ctx.Err())
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			e.Kind = KindCanceled
		}
		e.Retryable = false
		return e
	case rctx.Err() != nil:
		return newError(KindTimeout, endpoint, 0, "request timed out", err)
	}
	return newError(KindNetwork, endpoint, 0, "", err)
}

// ctxError reports that the caller's context ended while waiting (for the
// limiter or a backoff). The last API failure, if any, is in the message.
func ctxError(endpoint string, err, last error) *Error {
	msg := "while waiting to send"
	if last != nil {
		msg = "while waiting to retry after: " + last.Error()
	}
	kind := KindNetwork // a limiter failing for its own reasons
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		kind = KindTimeout
	case errors.Is(err, context.Canceled):
		kind = KindCanceled
	}
	e := newError(kind, endpoint, 0, msg, err)
	e.Retryable = false
	return e
}

// redactURL drops the query string from the URL a *url.Error quotes: on a
// GET it carries api_key (open-key auth) or a replayable signature, and the
// error ends up in logs and on terminals.
func redactURL(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	clean := "(unparsable URL)"
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
		clean = u.Redacted()
	}
	return &url.Error{Op: ue.Op, URL: clean, Err: ue.Err}
}

func snippet(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) > 200 {
		body = body[:200]
	}
	return strings.ToValidUTF8(string(body), "?")
}
