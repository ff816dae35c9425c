package iris_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

func TestErrorsByStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		want     error
		requests int // with MaxRetries 2
		message  string
	}{
		{"401", 401, errorBody(401, "missing credentials"), iris.ErrAuth, 1, "missing credentials"},
		{"403", 403, errorBody(403, "The credentials you entered do not match an active account."), iris.ErrAuth, 1, "do not match"},
		{"400", 400, errorBody(400, "We could not understand your request"), iris.ErrBadRequest, 1, "could not understand"},
		{"414", 414, "", iris.ErrBadRequest, 1, "URI Too Long"},
		{"422", 422, errorBody(422, "bad"), iris.ErrBadRequest, 1, "bad"},
		{"404", 404, errorBody(404, "We have no recent WHOIS information"), iris.ErrNotFound, 1, "no recent WHOIS"},
		{"500", 500, "<html>oops</html>", iris.ErrServer, 3, "oops"},
		{"502", 502, "", iris.ErrServer, 3, "Bad Gateway"},
		{"206", 206, resultsBody(t, nil, nil), iris.ErrServer, 3, "Partial"},
		{"503", 503, errorBody(503, "Service unavailable"), iris.ErrUnavailable, 3, "Service unavailable"},
		{"malformed 200", 200, `{"response": {"results": [`, iris.ErrMalformed, 1, ""},
		{"html 200", 200, `<html>maintenance</html>`, iris.ErrMalformed, 1, "maintenance"},
		{"embedded error 200", 200, `{"response":{"error":{"code":403,"message":"not entitled"}}}`, iris.ErrAuth, 1, "not entitled"},
		{"embedded 503 200", 200, `{"response":{"error":{"code":503,"message":"busy"}}}`, iris.ErrUnavailable, 3, "busy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return tt.status, tt.body })
			c := f.client(t, func(cfg *iris.Config) { cfg.MaxRetries = 2 })
			_, err := c.Investigate(t.Context(), []string{"example.com"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *iris.Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *iris.Error: %T", err)
			}
			if e.Status != tt.status {
				t.Errorf("Status = %d, want %d", e.Status, tt.status)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("Message = %q, want it to contain %q", e.Message, tt.message)
			}
			if got := f.requests(); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
			if s := c.Stats(); s.Requests != int64(tt.requests) || s.Retries != int64(tt.requests-1) {
				t.Errorf("stats = %+v", s)
			}
			for _, other := range []error{iris.ErrAuth, iris.ErrBadRequest, iris.ErrNotFound, iris.ErrServer, iris.ErrUnavailable, iris.ErrMalformed, iris.ErrTimeout, iris.ErrLimitExceeded} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		wantPauses int64
	}{
		{"503 pauses the limiter", http.StatusServiceUnavailable, 2},
		{"500", http.StatusInternalServerError, 0},
		{"206", http.StatusPartialContent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
				if n <= 2 {
					return tt.status, errorBody(tt.status, "try later")
				}
				return http.StatusOK, resultsBody(t, []string{"example.com"}, nil)
			})
			lim := &recordingLimiter{}
			c := f.client(t, func(cfg *iris.Config) { cfg.Limiter = lim })
			p, err := c.Investigate(t.Context(), []string{"example.com"})
			if err != nil {
				t.Fatalf("investigate: %v", err)
			}
			if p.Len() != 1 {
				t.Errorf("results = %d", p.Len())
			}
			if f.requests() != 3 || c.Stats() != (iris.Stats{Requests: 3, Retries: 2}) {
				t.Errorf("requests %d stats %+v", f.requests(), c.Stats())
			}
			if lim.waits.Load() != 3 {
				t.Errorf("limiter waits = %d, want one per attempt", lim.waits.Load())
			}
			if lim.pauses.Load() != tt.wantPauses {
				t.Errorf("limiter pauses = %d, want %d", lim.pauses.Load(), tt.wantPauses)
			}
			lim.mu.Lock()
			defer lim.mu.Unlock()
			for _, d := range lim.paused {
				if d < 0 || d > 5*time.Millisecond {
					t.Errorf("pause %v outside the backoff bounds", d)
				}
			}
		})
	}
}

func TestLimitExceededNotRetried(t *testing.T) {
	t.Parallel()
	body := string(readFile(t, "testdata/limit_exceeded_2024.json"))
	f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return http.StatusOK, body })
	c := f.client(t)
	_, err := c.Search(t.Context(), iris.NewQuery("ip", "8.8.8.8"))
	if !errors.Is(err, iris.ErrLimitExceeded) {
		t.Fatalf("err = %v", err)
	}
	var e *iris.Error
	if !errors.As(err, &e) || e.Retryable || e.TotalCount != 12345 || e.Code != 413 || !strings.Contains(e.Message, "More than 10000") {
		t.Errorf("error = %+v", e)
	}
	if f.requests() != 1 {
		t.Errorf("requests = %d, want exactly 1", f.requests())
	}
}

// blockUntilCancelled answers only when the client gives up.
func blockUntilCancelled(_ int, r *http.Request, _ url.Values) (int, string) {
	select {
	case <-r.Context().Done():
	case <-time.After(30 * time.Second): // guard: never hang the suite
	}
	return http.StatusOK, `{}`
}

func TestPerRequestTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, blockUntilCancelled)
	c := f.client(t, func(cfg *iris.Config) {
		cfg.Timeout = 20 * time.Millisecond
		cfg.MaxRetries = 1
	})
	_, err := c.Investigate(t.Context(), []string{"example.com"})
	if !errors.Is(err, iris.ErrTimeout) || !iris.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable ErrTimeout", err)
	}
	if f.requests() != 2 {
		t.Errorf("requests = %d, want 2 (timeouts are retried)", f.requests())
	}
}

func TestCallerDeadlineRespected(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, blockUntilCancelled)
	c := f.client(t) // 30s per request, 4 retries
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Investigate(ctx, []string{"example.com"})
	if !errors.Is(err, iris.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout wrapping context.DeadlineExceeded", err)
	}
	if iris.IsRetryable(err) {
		t.Error("a caller deadline must not be marked retryable")
	}
	if c.Stats().Retries != 0 {
		t.Errorf("retried after the caller's deadline: %+v", c.Stats())
	}
}

func TestCallerCancel(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return 503, errorBody(503, "busy") })
	c := f.client(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Investigate(ctx, []string{"example.com"})
	if !errors.Is(err, iris.ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if f.requests() != 0 {
		t.Errorf("requests = %d after cancel", f.requests())
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return 200, "" })
	url := f.srv.URL
	f.srv.Close() // connection refused from now on
	c, err := iris.New(iris.Config{BaseURL: url, Username: testUser, APIKey: testKey, RetryBase: time.Millisecond, RetryMax: time.Millisecond, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Investigate(t.Context(), []string{"example.com"})
	if !errors.Is(err, iris.ErrNetwork) || !iris.IsRetryable(err) {
		t.Fatalf("err = %v", err)
	}
	if s := c.Stats(); s.Requests != 3 || s.Retries != 2 {
		t.Errorf("stats = %+v", s)
	}
}

// TestLogsNeverCarrySecrets runs requests of every auth mode with debug
// logging and checks the key and signatures are absent from the log.
func TestLogsNeverCarrySecrets(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, mode := range []iris.AuthMode{iris.AuthHMACSHA256, iris.AuthHMACSHA1, iris.AuthOpenKey} {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
			if n == 1 {
				return 503, errorBody(503, "busy")
			}
			return 200, resultsBody(t, []string{"example.com"}, nil)
		})
		c := f.client(t, func(cfg *iris.Config) {
			cfg.Auth, cfg.Logger, cfg.Now = mode, log, func() time.Time { return now }
		})
		if _, err := c.Investigate(t.Context(), []string{"example.com"}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "endpoint=/v1/iris-investigate/") || !strings.Contains(out, "attempt=1") {
			t.Errorf("%v: log lacks endpoint/attempt:\n%s", mode, out)
		}
		secrets := []string{testKey, iris.Sign(iris.AuthHMACSHA256, testUser, testKey, "2025-01-01T00:00:00Z", iris.PathInvestigate),
			iris.Sign(iris.AuthHMACSHA1, testUser, testKey, "2025-01-01T00:00:00Z", iris.PathInvestigate)}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%v: log contains a secret %q", mode, s)
			}
		}
	}
}

func TestAppParams(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return 200, resultsBody(t, nil, nil) })
	c := f.client(t, func(cfg *iris.Config) { cfg.AppName, cfg.AppVersion = "irisflow", "1.2.3" })
	if _, err := c.Investigate(t.Context(), []string{"a.example"}); err != nil {
		t.Fatal(err)
	}
	if form := f.form(0); form.Get("app_name") != "irisflow" || form.Get("app_version") != "1.2.3" {
		t.Errorf("form = %v", form)
	}
}

// TestErrorsNeverCarrySecrets checks that transport errors (which quote
// the request URL, with its query on a GET) carry neither the key nor a
// signature, in every auth mode, for a refused connection and a timeout.
func TestErrorsNeverCarrySecrets(t *testing.T) {
	t.Parallel()
	refused := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return 200, "{}" })
	refusedURL := refused.srv.URL
	refused.srv.Close()
	slow := newFakeIris(t, blockUntilCancelled)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, url string
		timeout   time.Duration
		want      error
	}{
		{"refused", refusedURL, time.Second, iris.ErrNetwork},
		{"timeout", slow.srv.URL, 20 * time.Millisecond, iris.ErrTimeout},
	} {
		for _, mode := range []iris.AuthMode{iris.AuthHMACSHA256, iris.AuthHMACSHA1, iris.AuthOpenKey} {
			c := newClient(t, tc.url, func(cfg *iris.Config) {
				cfg.Auth, cfg.Now, cfg.Timeout, cfg.MaxRetries = mode, func() time.Time { return now }, tc.timeout, iris.NoRetries
			})
			_, err := c.Account(t.Context()) // a GET: the credentials are in the query
			if !errors.Is(err, tc.want) {
				t.Fatalf("%s %v: err = %v, want %v", tc.name, mode, err, tc.want)
			}
			msg := err.Error()
			for _, secret := range []string{testKey, "signature=", "api_key=",
				iris.Sign(mode, testUser, testKey, "2025-01-01T00:00:00Z", iris.PathAccount)} {
				if secret != "" && strings.Contains(msg, secret) {
					t.Errorf("%s %v: error carries %q: %s", tc.name, mode, secret, msg)
				}
			}
			if !strings.Contains(msg, iris.PathAccount) {
				t.Errorf("%s %v: error does not name the endpoint: %s", tc.name, mode, msg)
			}
		}
	}
}
