package resilient_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// recordedFrame is the real FunctionDataDTO frame of the fixtures.
type recordedFrame struct {
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

func loadFrame(t testing.TB) recordedFrame {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.ResilientFixtures(t), "function_message_frame.json"))
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	var f recordedFrame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode frame: %v", err)
	}
	return f
}

func loadPayload(t testing.TB) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.ResilientFixtures(t), "result_payload.json"))
	if err != nil {
		t.Fatalf("read payload: %v", err)
	}
	return b
}
