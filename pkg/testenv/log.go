package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// QuietLogger returns a logger for code under test that discards its
// records, unless $IRISFLOW_TEST_LOG is set: then it writes them, debug level
// and up, to stderr.
func QuietLogger() *slog.Logger {
	if testingLogEnabled() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// LogBuffer keeps the records of a logger under test, to print when a test
// fails or to count. It is safe for concurrent use; the zero value is ready.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Logger returns a logger that writes JSON records, debug level and up, to b.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Count counts the JSON records whose message contains s.
func (b *LogBuffer) Count(s string) int {
	n := 0
	for line := range strings.SplitSeq(b.String(), "\n") {
		var rec struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && strings.Contains(rec.Msg, s) {
			n++
		}
	}
	return n
}

// Lines counts the lines (records, as written) that contain every one of
// parts: a level and a message together (`"level":"WARN","msg":"frame
// rejected"`), or a message and an error's text.
func (b *LogBuffer) Lines(parts ...string) int {
	n := 0
	for line := range strings.SplitSeq(b.String(), "\n") {
		if line != "" && containsAll(line, parts) {
			n++
		}
	}
	return n
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// testingLogEnabled reports whether $IRISFLOW_TEST_LOG asks for the logs.
func testingLogEnabled() bool { return os.Getenv("IRISFLOW_TEST_LOG") != "" }
