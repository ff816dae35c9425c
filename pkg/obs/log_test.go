package obs_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/obs"
)

func TestNewLogger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, level string
		json          bool
		debug         bool
	}{
		{"json", "", true, false},
		{"text", "debug", false, true},
		{"", "warn", true, false}, // auto: not a terminal → JSON
		{"auto", "DEBUG", true, true},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		log, err := obs.NewLogger(&buf, tt.format, tt.level)
		if err != nil {
			t.Fatalf("%q %q: %v", tt.format, tt.level, err)
		}
		log.Debug("d", "org", 201)
		log.Warn("w", "org", 201)
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if got := len(lines) == 2; got != tt.debug {
			t.Errorf("%q %q: %d lines, debug shown = %v", tt.format, tt.level, len(lines), tt.debug)
		}
		var m map[string]any
		if isJSON := json.Unmarshal([]byte(lines[0]), &m) == nil; isJSON != tt.json {
			t.Errorf("%q: JSON = %v, want %v: %s", tt.format, isJSON, tt.json, lines[0])
		}
	}
	for _, bad := range []struct{ format, level, named string }{{"xml", "", `"xml"`}, {"json", "loud", `IRISFLOW_LOG_LEVEL="loud"`}} {
		if _, err := obs.NewLogger(&bytes.Buffer{}, bad.format, bad.level); err == nil || !strings.Contains(err.Error(), bad.named) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}
