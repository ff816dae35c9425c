package testenv

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestLogBufferCount(t *testing.T) {
	t.Parallel()
	var b LogBuffer
	log := b.Logger()
	var wg sync.WaitGroup
	for range 8 { // concurrent writers: the race detector checks the lock
		wg.Go(func() {
			log.Debug("found in resilient from an earlier attempt", "id", "w-1")
			log.Info("applied", "id", "w-2")
		})
	}
	wg.Wait()
	tests := []struct {
		substr string
		want   int
	}{
		{"found in resilient", 8},
		{"applied", 8},
		{"w-1", 0}, // attributes are not the message
		{"nothing like it", 0},
	}
	for _, tt := range tests {
		if got := b.Count(tt.substr); got != tt.want {
			t.Errorf("Count(%q) = %d, want %d", tt.substr, got, tt.want)
		}
	}
	if !strings.Contains(b.String(), `"id":"w-1"`) || !strings.Contains(b.String(), `"level":"DEBUG"`) {
		t.Errorf("String() lacks the debug record with its attributes:\n%s", b.String())
	}
}

func TestLogBufferLines(t *testing.T) {
	t.Parallel()
	var b LogBuffer
	log := b.Logger()
	log.Warn("frame rejected", "err", "frame without reply-to")
	log.Info("frame rejected", "err", "frame without correlation-id")
	log.Warn("reply connection lost; reconnecting", "err", "EOF")
	tests := []struct {
		parts []string
		want  int
	}{
		{[]string{`"level":"WARN","msg":"frame rejected"`, "frame without"}, 1},
		{[]string{`"msg":"frame rejected"`, "frame without"}, 2},
		{[]string{"frame without", "EOF"}, 0}, // every part on the same line
		{[]string{`"err":"EOF"`}, 1},
		{nil, 3}, // every record, no empty last line
	}
	for _, tt := range tests {
		if got := b.Lines(tt.parts...); got != tt.want {
			t.Errorf("Lines(%q) = %d, want %d", tt.parts, got, tt.want)
		}
	}
}

func TestQuietLoggerIsQuiet(t *testing.T) {
	t.Parallel()
	if testingLogEnabled() {
		t.Skip("IRISFLOW_TEST_LOG is set: the logger writes to stderr on purpose")
	}
	h := QuietLogger().Handler()
	if h.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("quiet logger enabled at debug level")
	}
}
