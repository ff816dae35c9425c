package bridge

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"IRISFLOW_STOMP_URL":                "stomp+ssl://soar.example.com:65001",
		"IRISFLOW_DESTINATIONS":             "201:domaintools, 202:domaintools",
		"IRISFLOW_RESILIENT_API_KEY_ID":     "key-id-123456",
		"IRISFLOW_RESILIENT_API_KEY_SECRET": "very-secret-value",
		"IRISFLOW_RESILIENT_CAFILE":         "/etc/ssl/soar.pem",
	}
	tests := []struct {
		name    string
		change  map[string]string
		wantErr string
	}{
		{"ok", nil, ""},
		{"no url", map[string]string{"IRISFLOW_STOMP_URL": ""}, "IRISFLOW_STOMP_URL is required"},
		{"bad scheme", map[string]string{"IRISFLOW_STOMP_URL": "http://x:1"}, "scheme"},
		{"no secret", map[string]string{"IRISFLOW_RESILIENT_API_KEY_SECRET": ""}, "API_KEY_SECRET are required"},
		{"bad destination", map[string]string{"IRISFLOW_DESTINATIONS": "201-domaintools"}, `"201-domaintools" is not org:name`},
		{"bad prefetch", map[string]string{"IRISFLOW_STOMP_PREFETCH": "0"}, "IRISFLOW_STOMP_PREFETCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.change {
				env[k] = v
			}
			cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrConfig mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Destinations) != 2 || cfg.Destinations[1] != (Destination{202, "domaintools"}) || cfg.CAFile != "/etc/ssl/soar.pem" {
				t.Errorf("config %+v", cfg)
			}
			if s := cfg.withDefaults().LogValue().String(); strings.Contains(s, "very-secret-value") || strings.Contains(s, "key-id-123456") {
				t.Errorf("secrets in log value: %s", s)
			}
		})
	}
}
