package irissim

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	s   *Server
	url string
}

// setup starts a simulator with a fixed clock, user demo/demo-key, and the
// given changes to its config.
func setup(t *testing.T, mutate func(*Config)) *env {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Now = func() time.Time { return testNow }
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{s: s, url: ts.URL}
}

func sign(h func() hash.Hash, user, key, ts, path string) string {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(user + ts + path))
	return hex.EncodeToString(m.Sum(nil))
}

// signed adds HMAC-SHA256 credentials of demo for path.
func signed(path string, v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	ts := testNow.Format("2006-01-02T15:04:05Z")
	out.Set("api_username", "demo")
	out.Set("timestamp", ts)
	out.Set("signature", sign(sha256.New, "demo", "demo-key", ts, path))
	return out
}

var _ = sha1.New

type reply struct {
	status int
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %q: %v", truncate(r.body), err)
	}
	return m
}

func (r reply) response(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t)["response"].(map[string]any)
	if !ok {
		t.Fatalf("no response object in %s", truncate(r.body))
	}
	return m
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

func (e *env) do(t *testing.T, ctx context.Context, method, path string, v url.Values) reply {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodPost {
		req, err = http.NewRequestWithContext(ctx, method, e.url+path, strings.NewReader(v.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, method, e.url+path+"?"+v.Encode(), nil)
	}
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return reply{resp.StatusCode, b}
}

// post sends a signed POST form to path.
func (e *env) post(t *testing.T, path string, v url.Values) reply {
	t.Helper()
	return e.do(t, context.Background(), http.MethodPost, path, signed(path, v))
}

// errorEnvelope checks the DomainTools error body.
func errorEnvelope(t *testing.T, r reply, code int) string {
	t.Helper()
	if r.status != code {
		t.Fatalf("status %d, want %d: %s", r.status, code, truncate(r.body))
	}
	var b struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		Resources struct {
			Support string `json:"support"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("error body %q: %v", truncate(r.body), err)
	}
	if b.Error.Code != code || b.Error.Message == "" || b.Resources.Support == "" {
		t.Fatalf("envelope %s, want code %d with message and support", r.body, code)
	}
	return b.Error.Message
}
