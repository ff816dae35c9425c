package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ReadStream returns, JSON-decoded into T and in stream order, every message
// stored in stream now whose subject matches filter (NATS wildcards: "*"
// one token, ">" the rest; "" matches all). It reads by sequence number
// without a consumer, so it takes nothing from a work-queue stream.
func ReadStream[T any](t testing.TB, js jetstream.JetStream, stream, filter string) []T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, info := streamInfo(t, ctx, js, stream)
	var out []T
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // acknowledged (work queue) or deleted since Info
		}
		if err != nil {
			t.Fatalf("testenv: get %s #%d: %v", stream, seq, err)
		}
		if filter != "" && !subjectMatches(filter, m.Subject) {
			continue
		}
		var v T
		if err := json.Unmarshal(m.Data, &v); err != nil {
			t.Fatalf("testenv: decode %s #%d: %v", stream, seq, err)
		}
		out = append(out, v)
	}
	return out
}

// StreamMsgs is how many messages stream holds now (for a work-queue
// stream: not yet acknowledged).
func StreamMsgs(t testing.TB, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, info := streamInfo(t, ctx, js, stream)
	return info.State.Msgs
}

func streamInfo(t testing.TB, ctx context.Context, js jetstream.JetStream, stream string) (jetstream.Stream, *jetstream.StreamInfo) {
	t.Helper()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatalf("testenv: stream %s: %v", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("testenv: stream %s: %v", stream, err)
	}
	return s, info
}

// subjectMatches reports whether subject matches the NATS subject filter
// pattern: "*" matches one token, a final ">" one or more.
func subjectMatches(pattern, subject string) bool {
	p := strings.Split(pattern, ".")
	s := strings.Split(subject, ".")
	for i, tok := range p {
		if tok == ">" && i == len(p)-1 {
			return len(s) > i
		}
		if i >= len(s) || (tok != "*" && tok != s[i]) {
			return false
		}
	}
	return len(p) == len(s)
}
