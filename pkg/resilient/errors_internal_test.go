package resilient

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"-1", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStatusErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		kind      ErrorKind
		sentinel  error
		retryable bool
	}{
		{401, KindAuth, ErrAuth, false},
		{403, KindAuth, ErrAuth, false},
		{404, KindNotFound, ErrNotFound, false},
		{409, KindConflict, ErrConflict, true},
		{429, KindRateLimited, ErrRateLimited, true},
		{400, KindClient, ErrClient, false},
		{422, KindClient, ErrClient, false},
		{500, KindServer, ErrServer, true},
		{503, KindServer, ErrServer, true},
	}
	for _, tt := range tests {
		e := statusError("POST", "/rest/x", tt.status, http.Header{}, []byte(`{"success":false,"message":"why"}`))
		if e.Kind != tt.kind || e.Retryable != tt.retryable || e.Message != "why" || IsRetryable(e) != tt.retryable {
			t.Errorf("%d: %+v", tt.status, e)
		}
		for _, s := range []error{ErrAuth, ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ErrClient, ErrNetwork} {
			if got := e.Is(s); got != (s == tt.sentinel) {
				t.Errorf("%d: Is(%v) = %v", tt.status, s, got)
			}
		}
	}
	// POSTs retry only what cannot have been applied.
	post := []struct {
		e    *Error
		want bool
	}{
		{&Error{Kind: KindServer, Status: 500, Retryable: true}, false},
		{&Error{Kind: KindServer, Status: 503, Retryable: true}, false},
		{&Error{Kind: KindServer, Status: 503, Retryable: true, RetryAfter: time.Second}, true},
		{&Error{Kind: KindRateLimited, Status: 429, Retryable: true}, true},
		{&Error{Kind: KindNetwork, Retryable: true}, false},
		{&Error{Kind: KindNetwork, Retryable: true, NotSent: true}, true},
		{&Error{Kind: KindClient, Status: 400}, false},
	}
	for _, tt := range post {
		if got := mayRetry("POST", tt.e); got != tt.want {
			t.Errorf("mayRetry(POST, %v) = %v, want %v", tt.e, got, tt.want)
		}
		if got := mayRetry("GET", tt.e); got != tt.e.Retryable {
			t.Errorf("mayRetry(GET, %v) = %v", tt.e, got)
		}
	}
}
