package testenv

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

func publish(t *testing.T, js jetstream.JetStream, subject, data string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.Publish(ctx, subject, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

func TestJetStreamHasTheStreams(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, cfg := range flow.StreamConfigs(flow.StreamOptions{}) {
		s, err := js.Stream(ctx, cfg.Name)
		if err != nil {
			t.Fatalf("stream %s: %v", cfg.Name, err)
		}
		if got := s.CachedInfo().Config.Subjects; !slices.Equal(got, cfg.Subjects) {
			t.Errorf("stream %s subjects = %v, want %v", cfg.Name, got, cfg.Subjects)
		}
	}
}

func TestCollector(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	replies := Collect(t, js, flow.StreamReplies, "reply.201.>", "test-201")
	other := Collect(t, js, flow.StreamReplies, "reply.202.>", "test-202")
	for i := range 5 {
		publish(t, js, fmt.Sprintf("reply.201.d.%d", i), fmt.Sprintf(`{"n":%d}`, i))
	}
	publish(t, js, "reply.202.d.0", `{"n":"other org"}`)

	got := replies.Take(2, 10*time.Second)
	if want := []string{`{"n":0}`, `{"n":1}`}; !slices.Equal(asStrings(got), want) {
		t.Errorf("Take(2) = %q, want %q", got, want)
	}
	if got := asStrings(replies.Drain()); !slices.Equal(got, []string{`{"n":2}`, `{"n":3}`, `{"n":4}`}) {
		t.Errorf("Drain() = %q, want the other three", got)
	}
	if got := replies.Drain(); len(got) != 0 {
		t.Errorf("second Drain() = %q, want nothing (acknowledged)", got)
	}
	replies.None(100 * time.Millisecond)
	if got := other.Fetch(10, 5*time.Second); len(got) != 1 || string(got[0].Data()) != `{"n":"other org"}` {
		t.Errorf("the other filter's Fetch = %d messages, want its one", len(got))
	}
	// A work-queue stream loses what every consumer acknowledged.
	EventuallyWithin(t, 10*time.Second, "REPLIES empty", func() bool {
		return len(ReadStream[map[string]any](t, js, flow.StreamReplies, "")) == 0
	})
}

func TestCollectorFailures(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	c := Collect(t, js, flow.StreamDLQ, "dlq.>", "test-dlq")
	publish(t, js, "dlq.fn", `"late"`)

	r := &recorder{TB: t}
	r.do(func(tb testing.TB) { c.t = tb; c.Take(2, 700*time.Millisecond) })
	if errs, fatal := r.failures(); !fatal || len(errs) != 1 || errs[0] != "got 1 messages within 700ms, want 2" {
		t.Errorf("Take of more than there is: fatal %v, %q", fatal, errs)
	}

	publish(t, js, "dlq.fn", `"extra"`)
	r = &recorder{TB: t}
	r.do(func(tb testing.TB) { c.t = tb; c.None(5 * time.Second) })
	if errs, fatal := r.failures(); fatal || len(errs) != 1 || errs[0] != `unexpected extra message on dlq.fn: "extra"` {
		t.Errorf("None with a message: fatal %v, %q", fatal, errs)
	}
}

func TestReadStream(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	for _, s := range []string{"dlq.fn", "dlq.writes", "dlq.fn", "dlq.replies"} {
		publish(t, js, s, fmt.Sprintf("%q", s))
	}
	tests := []struct {
		filter string
		want   []string
	}{
		{"", []string{"dlq.fn", "dlq.writes", "dlq.fn", "dlq.replies"}},
		{"dlq.>", []string{"dlq.fn", "dlq.writes", "dlq.fn", "dlq.replies"}},
		{"dlq.fn", []string{"dlq.fn", "dlq.fn"}},
		{"dlq.*", []string{"dlq.fn", "dlq.writes", "dlq.fn", "dlq.replies"}},
		{"dlq.writes", []string{"dlq.writes"}},
		{"dlq.nothing", nil},
	}
	for _, tt := range tests {
		got := ReadStream[string](t, js, flow.StreamDLQ, tt.filter)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ReadStream(%q) = %q, want %q", tt.filter, got, tt.want)
		}
	}
	// Reading takes nothing away.
	if got := ReadStream[string](t, js, flow.StreamDLQ, ""); len(got) != 4 {
		t.Errorf("second read = %q, want all four again", got)
	}
}

func TestSubjectMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, subject string
		want             bool
	}{
		{"reply.>", "reply.201.dt", true},
		{"reply.>", "reply", false},
		{"reply.>", "replies.201", false},
		{"fn.*.pivots.auto", "fn.201.pivots.auto", true},
		{"fn.*.pivots.auto", "fn.201.pivots.execute", false},
		{"fn.*.pivots.auto", "fn.201.x.pivots.auto", false},
		{"dlq.WRITES", "dlq.WRITES", true},
		{"dlq.WRITES", "dlq.WRITES.x", false},
		{"dlq.WRITES.x", "dlq.WRITES", false},
		{"*", "a", true},
		{"a.>.b", "a.x.b", false}, // ">" only counts as the last token
	}
	for _, tt := range tests {
		if got := subjectMatches(tt.pattern, tt.subject); got != tt.want {
			t.Errorf("subjectMatches(%q, %q) = %v, want %v", tt.pattern, tt.subject, got, tt.want)
		}
	}
}

func asStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}
