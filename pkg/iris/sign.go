package iris

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"time"
)

// AuthMode selects how requests are authenticated (iris-api.md §2).
type AuthMode int

const (
	// AuthHMACSHA256 signs each request with HMAC-SHA256 (the default).
	AuthHMACSHA256 AuthMode = iota
	// AuthHMACSHA1 signs each request with HMAC-SHA1.
	AuthHMACSHA1
	// AuthOpenKey sends the API key itself (api_username + api_key).
	AuthOpenKey
)

// TimestampLayout is the UTC timestamp format of signed requests.
const TimestampLayout = "2006-01-02T15:04:05Z"

// String returns the mode's CLI name: sha256, sha1 or open.
func (m AuthMode) String() string {
	switch m {
	case AuthHMACSHA256:
		return "sha256"
	case AuthHMACSHA1:
		return "sha1"
	case AuthOpenKey:
		return "open"
	}
	return fmt.Sprintf("AuthMode(%d)", int(m))
}

// ParseAuthMode parses sha256, sha1 or open.
func ParseAuthMode(s string) (AuthMode, error) {
	switch s {
	case "sha256", "hmac-sha256", "":
		return AuthHMACSHA256, nil
	case "sha1", "hmac-sha1":
		return AuthHMACSHA1, nil
	case "open", "openkey", "open-key":
		return AuthOpenKey, nil
	}
	return 0, fmt.Errorf("iris: unknown auth mode %q (want sha256, sha1 or open)", s)
}

// Sign returns the lowercase hex HMAC of user+timestamp+path keyed with key,
// using SHA-256 or SHA-1 per mode. path is the URI path only, e.g.
// /v1/iris-investigate/. It returns "" for AuthOpenKey.
func Sign(mode AuthMode, user, key, timestamp, path string) string {
	var h func() hash.Hash
	switch mode {
	case AuthHMACSHA256:
		h = sha256.New
	case AuthHMACSHA1:
		h = sha1.New
	default:
		return ""
	}
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(user + timestamp + path))
	return hex.EncodeToString(mac.Sum(nil))
}

// authenticate adds the credential parameters for one request to form.
func authenticate(form url.Values, mode AuthMode, user, key, path string, now time.Time) {
	form.Set("api_username", user)
	if mode == AuthOpenKey {
		form.Set("api_key", key)
		return
	}
	ts := now.UTC().Format(TimestampLayout)
	form.Set("timestamp", ts)
	form.Set("signature", Sign(mode, user, key, ts, path))
}
