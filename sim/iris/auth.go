package irissim

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"net/http"
	"net/url"
	"time"
)

// timestampLayouts are the accepted signed-request timestamps: what the
// clients send (UTC "Z"), RFC 3339 offsets, and the docs' "-0800" form.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"}

// authenticate checks the request's credentials and returns the username,
// or the status (401 none given, 403 wrong) to answer.
func (s *Server) authenticate(r *http.Request, form url.Values) (string, int) {
	user := form.Get("api_username")
	sig := form.Get("signature")
	key := form.Get("api_key")
	if hk := r.Header.Get("X-Api-Key"); hk != "" && user == "" && sig == "" && key == "" {
		if u, ok := s.keyUser[hk]; ok && s.cfg.AllowOpenKey {
			return u, http.StatusOK
		}
		return "", http.StatusForbidden
	}
	if user == "" && sig == "" && key == "" {
		return "", http.StatusUnauthorized
	}
	secret, ok := s.cfg.Users[user]
	if !ok || user == "" {
		return "", http.StatusForbidden
	}
	if sig == "" {
		if key != "" && s.cfg.AllowOpenKey && subtle.ConstantTimeCompare([]byte(key), []byte(secret)) == 1 {
			return user, http.StatusOK
		}
		return "", http.StatusForbidden
	}
	ts := form.Get("timestamp")
	if !s.fresh(ts) {
		return "", http.StatusForbidden
	}
	var h func() hash.Hash
	switch len(sig) {
	case 64:
		h = sha256.New
	case 40:
		h = sha1.New
	default:
		return "", http.StatusForbidden
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(user + ts + r.URL.Path))
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "", http.StatusForbidden
	}
	return user, http.StatusOK
}

func (s *Server) fresh(ts string) bool {
	if ts == "" {
		return false
	}
	for _, layout := range timestampLayouts {
		t, err := time.Parse(layout, ts)
		if err != nil {
			continue
		}
		d := s.cfg.Now().Sub(t)
		return d <= s.cfg.MaxSkew && d >= -s.cfg.MaxSkew
	}
	return false
}

// Sign returns the signature parameters for a request of user with key to
// path at now, SHA-256 (a helper for tests and tools; the simulator does
// not use it).
func Sign(user, key, path string, now time.Time) (timestamp, signature string) {
	timestamp = now.UTC().Format("2006-01-02T15:04:05Z")
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(user + timestamp + path))
	return timestamp, hex.EncodeToString(mac.Sum(nil))
}
