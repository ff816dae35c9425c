package iris_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// TestSignKnownVectors checks Sign against digests computed outside Go
// (Python hmac.new(key, user+ts+path, sha256/sha1).hexdigest()).
func TestSignKnownVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode iris.AuthMode
		want string
	}{
		{iris.AuthHMACSHA256, "915cb46f43e3d7065d8c2ee74a17b1ef5b2603eeb48f4495716c7b49a0be19e3"},
		{iris.AuthHMACSHA1, "954d4046dee9b6d9c0a7ee59534d797f40cf9577"},
		{iris.AuthOpenKey, ""},
	}
	for _, tt := range tests {
		got := iris.Sign(tt.mode, "demo", "demo-key", "2024-01-02T03:04:05Z", "/v1/iris-investigate/")
		if got != tt.want {
			t.Errorf("%v: Sign = %q, want %q", tt.mode, got, tt.want)
		}
	}
}

// verify is an independent server-side check of a request's credentials.
func verify(r *http.Request, form url.Values, mode iris.AuthMode, now time.Time) error {
	if form.Get("api_username") != testUser {
		return fmt.Errorf("api_username = %q", form.Get("api_username"))
	}
	if mode == iris.AuthOpenKey {
		if form.Get("api_key") != testKey || form.Has("signature") {
			return fmt.Errorf("open key: api_key %q signature %q", form.Get("api_key"), form.Get("signature"))
		}
		return nil
	}
	if form.Has("api_key") {
		return fmt.Errorf("signed request leaks api_key")
	}
	ts := form.Get("timestamp")
	if ts != now.UTC().Format("2006-01-02T15:04:05Z") {
		return fmt.Errorf("timestamp = %q", ts)
	}
	var h func() hash.Hash = sha256.New
	if mode == iris.AuthHMACSHA1 {
		h = sha1.New
	}
	mac := hmac.New(h, []byte(testKey))
	fmt.Fprintf(mac, "%s%s%s", testUser, ts, r.URL.Path)
	if want := fmt.Sprintf("%x", mac.Sum(nil)); form.Get("signature") != want {
		return fmt.Errorf("signature = %q, want %q", form.Get("signature"), want)
	}
	if r.URL.RawQuery != "" && r.Method == http.MethodPost {
		return fmt.Errorf("POST with a query string %q", r.URL.RawQuery)
	}
	return nil
}

func TestRequestAuthentication(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 7, 8, 9, 10, 0, time.FixedZone("CEST", 2*3600))
	for _, mode := range []iris.AuthMode{iris.AuthHMACSHA256, iris.AuthHMACSHA1, iris.AuthOpenKey} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			var f *fakeIris
			f = newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
				if err := verify(r, form, mode, now); err != nil {
					f.fail(err)
					return http.StatusForbidden, errorBody(403, "The credentials you entered do not match an active account.")
				}
				if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
					f.fail(fmt.Errorf("method %s content type %q", r.Method, r.Header.Get("Content-Type")))
				}
				return http.StatusOK, resultsBody(t, []string{"example.com"}, nil)
			})
			c := f.client(t, func(cfg *iris.Config) {
				cfg.Auth = mode
				cfg.Now = func() time.Time { return now }
			})
			p, err := c.Investigate(t.Context(), []string{"example.com"})
			if err != nil || len(f.problems()) > 0 {
				t.Fatalf("investigate: %v; server saw: %v", err, f.problems())
			}
			if _, ok := p.Get("example.com"); !ok {
				t.Errorf("no result")
			}
		})
	}
}

func TestSignedPathIncludesBasePrefix(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		return http.StatusOK, resultsBody(t, nil, nil)
	})
	c, err := iris.New(iris.Config{BaseURL: f.srv.URL + "/dt/", Username: testUser, APIKey: testKey, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enrich(t.Context(), []string{"a.example"}); err != nil {
		t.Fatal(err)
	}
	gotPath, gotSig := f.path(0), f.form(0).Get("signature")
	if gotPath != "POST /dt/v1/iris-enrich/" {
		t.Errorf("path = %q", gotPath)
	}
	if want := iris.Sign(iris.AuthHMACSHA256, testUser, testKey, "2025-01-01T00:00:00Z", "/dt/v1/iris-enrich/"); gotSig != want {
		t.Errorf("signature %q, want %q", gotSig, want)
	}
}

func TestParseAuthMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]iris.AuthMode{"sha256": iris.AuthHMACSHA256, "": iris.AuthHMACSHA256, "sha1": iris.AuthHMACSHA1, "open": iris.AuthOpenKey} {
		got, err := iris.ParseAuthMode(in)
		if err != nil || got != want {
			t.Errorf("ParseAuthMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := iris.ParseAuthMode("md5"); err == nil {
		t.Error("md5 accepted")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	bad := []iris.Config{
		{Username: "u"},
		{APIKey: "k"},
		{BaseURL: "ftp://x", Username: "u", APIKey: "k"},
		{BaseURL: "http://", Username: "u", APIKey: "k"},
		{Username: "u", APIKey: "k", Auth: iris.AuthMode(9)},
	}
	for i, cfg := range bad {
		if _, err := iris.New(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
}
