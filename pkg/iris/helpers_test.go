package iris_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

const (
	testUser = "analyst"
	testKey  = "s3cr3t-api-key-value"
)

// fakeIris is an httptest Iris whose answers a test scripts with respond.
// It records every request's form.
type fakeIris struct {
	srv     *httptest.Server
	respond func(n int, r *http.Request, form url.Values) (status int, body string)

	mu    sync.Mutex
	forms []url.Values
	paths []string
	errs  []error
	count atomic.Int64
}

func newFakeIris(t *testing.T, respond func(n int, r *http.Request, form url.Values) (int, string)) *fakeIris {
	t.Helper()
	f := &fakeIris{respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form := r.Form
		if r.Method == http.MethodPost {
			form = r.PostForm
		}
		n := int(f.count.Add(1))
		f.mu.Lock()
		f.forms = append(f.forms, form)
		f.paths = append(f.paths, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		status, body := f.respond(n, r, form)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIris) requests() int { return int(f.count.Load()) }

// fail records a problem the handler saw; checked with problems.
func (f *fakeIris) fail(err error) {
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
}

// problems returns what the handler recorded with fail.
func (f *fakeIris) problems() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.errs...)
}

// path returns "METHOD /path" of request i.
func (f *fakeIris) path(i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paths[i]
}

func (f *fakeIris) form(i int) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.forms[i]
}

// client returns a Client for the fake with fast retries; mutate adjusts the
// config.
func (f *fakeIris) client(t *testing.T, mutate ...func(*iris.Config)) *iris.Client {
	t.Helper()
	return newClient(t, f.srv.URL, mutate...)
}

// newClient returns a Client for baseURL with the test credentials and
// fast retries.
func newClient(t *testing.T, baseURL string, mutate ...func(*iris.Config)) *iris.Client {
	t.Helper()
	cfg := iris.Config{
		BaseURL: baseURL, Username: testUser, APIKey: testKey,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := iris.New(cfg)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// resultsBody is a wrapped Investigate answer for the given domains.
func resultsBody(t testing.TB, domains []string, missing []string) string {
	t.Helper()
	resp := iris.Response{Message: "Enjoy your data.", ResultsCount: len(domains), TotalCount: len(domains), MissingDomains: missing}
	for _, d := range domains {
		resp.Results = append(resp.Results, sampleResult(d))
	}
	return marshal(t, resp)
}

func sampleResult(domain string) iris.Result {
	return iris.Result{
		Domain: domain, TLD: domain[strings.LastIndex(domain, ".")+1:], Active: true,
		DomainRisk: iris.DomainRisk{RiskScore: iris.Known(len(domain) % 100), Components: []iris.RiskComponent{{Name: iris.ComponentProximity, RiskScore: 10}}},
		CreateDate: iris.Attr{Value: "2024-01-02", Count: 3},
		Registrar:  iris.Attr{Value: "Example Registrar", Count: 100},
		IP:         []iris.IP{{Address: iris.Attr{Value: "192.0.2.1", Count: 5}}},
		Tags:       []iris.Tag{{Label: "watch", Scope: "group", TaggedAt: "2024-03-01T00:00:00Z"}},
	}
}

func marshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func errorBody(code int, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%d,"message":%q},"resources":{"support":"https://docs.domaintools.com"}}`, code, msg)
}

// recordingLimiter counts Wait and Pause calls.
type recordingLimiter struct {
	waits  atomic.Int64
	pauses atomic.Int64
	mu     sync.Mutex
	paused []time.Duration
}

func (l *recordingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	return ctx.Err()
}

func (l *recordingLimiter) Pause(ctx context.Context, d time.Duration) error {
	l.pauses.Add(1)
	l.mu.Lock()
	l.paused = append(l.paused, d)
	l.mu.Unlock()
	return nil
}
