package resilient_test

import (
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func TestParseStompURL(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		addr string
		tls  bool
	}{
		{"stomp+ssl://soar.example.com", "soar.example.com:65001", true},
		{"stomp+ssl://soar.example.com:443", "soar.example.com:443", true},
		{"stomp://127.0.0.1", "127.0.0.1:61613", false},
		{"stomp://127.0.0.1:16613", "127.0.0.1:16613", false},
		{"stomp://[::1]:61613", "[::1]:61613", false},
		{"stomp://[::]:16613", "[::]:16613", false}, // the embedded broker listening on every address (compose)
		{"stomp+ssl://[2001:db8::1]", "[2001:db8::1]:65001", true},
	}
	for _, g := range good {
		addr, useTLS, err := resilient.ParseStompURL(g.in)
		if err != nil || addr != g.addr || useTLS != g.tls {
			t.Errorf("ParseStompURL(%q) = %q, %v, %v; want %q, %v", g.in, addr, useTLS, err, g.addr, g.tls)
		}
	}
	bad := map[string]string{
		"":                     "no STOMP URL",
		"ssl://soar:65001":     `scheme "ssl"`,
		"tcp://soar:61613":     `scheme "tcp"`,
		"stomps://soar":        `scheme "stomps"`,
		"soar.example.com":     `scheme ""`,
		"stomp+ssl://:65001":   "has no host",
		"stomp://bad host:1":   "STOMP URL",
		"https://soar.example": `scheme "https"`,
	}
	for in, want := range bad {
		if _, _, err := resilient.ParseStompURL(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseStompURL(%q) error %v, want one containing %q", in, err, want)
		}
	}
}
