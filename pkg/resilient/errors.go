package resilient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorKind classifies a failed REST call.
type ErrorKind int

// Error kinds; each has a sentinel that errors.Is matches.
const (
	KindNetwork     ErrorKind = iota + 1 // no HTTP answer: refused, reset, timeout (retryable)
	KindAuth                             // 401, 403: credentials or org membership (permanent until fixed)
	KindNotFound                         // 404 (permanent)
	KindConflict                         // 409 (retryable: SOAR's version conflicts clear on retry)
	KindRateLimited                      // 429 (retryable, honour RetryAfter)
	KindServer                           // 5xx, or an undecodable success reply (retryable)
	KindClient                           // any other 4xx: a bad request (permanent)
)

// Sentinels matched by errors.Is on an *Error of the same kind.
var (
	ErrNetwork     = errors.New("resilient: network error")
	ErrAuth        = errors.New("resilient: not authorized")
	ErrNotFound    = errors.New("resilient: not found")
	ErrConflict    = errors.New("resilient: conflict")
	ErrRateLimited = errors.New("resilient: rate limited")
	ErrServer      = errors.New("resilient: server error")
	ErrClient      = errors.New("resilient: bad request")
)

var kindSentinel = map[ErrorKind]error{
	KindNetwork:     ErrNetwork,
	KindAuth:        ErrAuth,
	KindNotFound:    ErrNotFound,
	KindConflict:    ErrConflict,
	KindRateLimited: ErrRateLimited,
	KindServer:      ErrServer,
	KindClient:      ErrClient,
}

// String names the kind.
func (k ErrorKind) String() string {
	if s, ok := kindSentinel[k]; ok {
		return strings.TrimPrefix(s.Error(), "resilient: ")
	}
	return "unknown error kind " + strconv.Itoa(int(k))
}

// Error is a failed REST call.
type Error struct {
	Method string // HTTP method
	Path   string // request path (no host, no credentials)
	Status int    // HTTP status; 0 when there was no answer
	Kind   ErrorKind
	// Message is SOAR's error message (the "message" of its JSON error body)
	// or a description of the failure.
	Message string
	// Retryable reports whether the same request may succeed later. For a
	// POST a retryable error is ambiguous: the object may have been created.
	Retryable bool
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// NotSent reports that the request provably never reached the server
	// (the connection could not be made), so a POST is safe to repeat.
	NotSent bool
	// Err is the underlying transport error, if any.
	Err error
}

// Error describes the failure.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("resilient")
	if e.Method != "" {
		fmt.Fprintf(&b, " %s %s", e.Method, e.Path)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	fmt.Fprintf(&b, " %s", e.Kind)
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap, Is and IsRetryable mirror pkg/iris's: two APIs' own error types, kept apart on purpose.

// Unwrap returns the transport error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	s, ok := kindSentinel[e.Kind]
	return ok && s == target
}

// IsRetryable reports whether err is an *Error marked retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// statusError builds the *Error for an HTTP answer with status >= 300.
func statusError(method, path string, status int, h http.Header, body []byte) *Error {
	e := &Error{Method: method, Path: path, Status: status, Message: errorMessage(body)}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = KindAuth
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
	case status == http.StatusConflict:
		e.Kind, e.Retryable = KindConflict, true
	case status == http.StatusTooManyRequests:
		e.Kind, e.Retryable = KindRateLimited, true
	case status >= 500:
		e.Kind, e.Retryable = KindServer, true
	default:
		e.Kind = KindClient
	}
	e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), time.Now())
	return e
}

// errorMessage extracts SOAR's {"message": "..."} or a short body excerpt.
func errorMessage(body []byte) string {
	var j struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &j) == nil && j.Message != "" {
		return j.Message
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
