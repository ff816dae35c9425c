package main

import (
	"context"
	"strings"
	"testing"
)

// The log format and level are checked before any command runs, and a bad
// one is named.
func TestRunLogSettings(t *testing.T) {
	t.Setenv("IRISFLOW_LOG_LEVEL", "")
	err := run(context.Background(), []string{"--log-format", "xml", "sim", "iris", "--help"})
	if err != nil {
		t.Fatalf("--help runs no PreRun: %v", err)
	}
	err = run(context.Background(), []string{"--log-format", "xml", "migrate", "--database-url", "postgres://127.0.0.1:1/x"})
	if err == nil || !strings.Contains(err.Error(), `log format "xml"`) {
		t.Errorf("--log-format xml: %v", err)
	}
	t.Setenv("IRISFLOW_LOG_LEVEL", "loud")
	err = run(context.Background(), []string{"--log-format", "json", "migrate", "--database-url", "postgres://127.0.0.1:1/x"})
	if err == nil || !strings.Contains(err.Error(), `IRISFLOW_LOG_LEVEL="loud"`) {
		t.Errorf("IRISFLOW_LOG_LEVEL=loud: %v", err)
	}
}
