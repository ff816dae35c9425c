package iris

import (
	"context"
	"testing"
	"time"
)

func TestFitsDeadline(t *testing.T) {
	t.Parallel()
	if !fitsDeadline(context.Background(), time.Hour) {
		t.Error("no deadline should always fit")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if fitsDeadline(ctx, time.Hour) {
		t.Error("an hour fits in a minute")
	}
	if !fitsDeadline(ctx, time.Millisecond) {
		t.Error("a millisecond does not fit in a minute")
	}
}

func TestStatusKind(t *testing.T) {
	t.Parallel()
	tests := map[int]ErrorKind{
		401: KindAuth, 403: KindAuth, 400: KindBadRequest, 413: KindBadRequest, 414: KindBadRequest, 422: KindBadRequest,
		404: KindNotFound, 503: KindUnavailable, 429: KindUnavailable, 500: KindServer, 502: KindServer, 206: KindServer,
		504: KindTimeout, 405: KindBadRequest,
	}
	for status, want := range tests {
		if got := statusKind(status); got != want {
			t.Errorf("statusKind(%d) = %v, want %v", status, got, want)
		}
	}
}
