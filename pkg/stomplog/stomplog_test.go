package stomplog_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/pkg/stomplog"
)

var _ stomp.Logger = stomplog.Logger{}

func TestLevels(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := stomplog.New(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	l.Infof("Subscription %d: closed", 1)
	l.Warningf("heart-beat %s", "missed")
	l.Error("broken")
	out := buf.String()
	if strings.Contains(out, "Subscription") {
		t.Fatalf("go-stomp info lines belong at debug: %s", out)
	}
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "heart-beat missed") || !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "component=stomp") {
		t.Fatalf("warnings and errors must pass with the component: %s", out)
	}
}
