package iris

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrorKind classifies an Iris failure; callers branch on it with errors.Is
// against the Err* sentinels.
type ErrorKind int

// Error kinds, one per sentinel.
const (
	KindUnknown       ErrorKind = iota
	KindAuth                    // 401, 403
	KindBadRequest              // 400, 413, 414, 422, or refused locally
	KindNotFound                // 404
	KindLimitExceeded           // search matched more than Iris returns
	KindUnavailable             // 503: Iris's rate-limit / outage signal
	KindServer                  // other 5xx, 206 partial content, unexpected statuses
	KindTimeout                 // request or caller deadline
	KindMalformed               // undecodable body or broken paging cursor
	KindNetwork                 // transport failure before a response
	KindCanceled                // the caller's context was canceled
)

// Sentinels for errors.Is. Every error returned by the client is an *Error
// whose Kind matches exactly one of them.
var (
	ErrAuth          = errors.New("iris: not authorised")
	ErrBadRequest    = errors.New("iris: bad request")
	ErrNotFound      = errors.New("iris: not found")
	ErrLimitExceeded = errors.New("iris: result limit exceeded")
	ErrUnavailable   = errors.New("iris: service unavailable")
	ErrServer        = errors.New("iris: server error")
	ErrTimeout       = errors.New("iris: timeout")
	ErrMalformed     = errors.New("iris: malformed response")
	ErrNetwork       = errors.New("iris: network error")
	ErrCanceled      = errors.New("iris: canceled")
)

var kindSentinels = map[ErrorKind]error{
	KindAuth: ErrAuth, KindBadRequest: ErrBadRequest, KindNotFound: ErrNotFound,
	KindLimitExceeded: ErrLimitExceeded, KindUnavailable: ErrUnavailable, KindServer: ErrServer,
	KindTimeout: ErrTimeout, KindMalformed: ErrMalformed, KindNetwork: ErrNetwork, KindCanceled: ErrCanceled,
}

// String returns the kind's name.
func (k ErrorKind) String() string {
	if s, ok := kindSentinels[k]; ok {
		return strings.TrimPrefix(s.Error(), "iris: ")
	}
	return "unknown error"
}

// Error is the error type returned by the client.
type Error struct {
	// Kind classifies the failure.
	Kind ErrorKind
	// Endpoint is the API path, e.g. /v1/iris-investigate/.
	Endpoint string
	// Status is the HTTP status, 0 when no response was received.
	Status int
	// Code is the DomainTools error code from the body, when given.
	Code int
	// Message is the DomainTools message, or a description of the problem.
	Message string
	// TotalCount is the number of matches of an over-limit search, when Iris
	// said it.
	TotalCount int
	// Retryable is true for failures worth retrying (unavailable, server,
	// timeout, network).
	Retryable bool
	// Err is the underlying error, if any (e.g. context.DeadlineExceeded).
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("iris: ")
	b.WriteString(e.Kind.String())
	if e.Endpoint != "" {
		b.WriteString(" on ")
		b.WriteString(e.Endpoint)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Code != 0 && e.Code != e.Status {
			fmt.Fprintf(&b, ", code %d", e.Code)
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *Error) Is(target error) bool {
	s, ok := kindSentinels[e.Kind]
	return ok && s == target
}

// IsRetryable reports whether err is an *Error marked retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

func newError(kind ErrorKind, endpoint string, status int, msg string, err error) *Error {
	return &Error{
		Kind: kind, Endpoint: endpoint, Status: status, Message: msg, Err: err,
		Retryable: kind == KindUnavailable || kind == KindServer || kind == KindTimeout || kind == KindNetwork,
	}
}

// statusKind maps an HTTP status to a kind (iris-api.md §4).
func statusKind(status int) ErrorKind {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return KindAuth
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong, http.StatusUnprocessableEntity:
		return KindBadRequest
	case http.StatusNotFound:
		return KindNotFound
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		// Iris documents 503 for rate limiting; a 429 means the same.
		return KindUnavailable
	case http.StatusGatewayTimeout:
		return KindTimeout
	case http.StatusPartialContent:
		return KindServer
	}
	if status >= 400 && status < 500 {
		return KindBadRequest
	}
	return KindServer
}
