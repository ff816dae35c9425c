package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	creds := map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "secret-key"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range creds {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		s, err := ConfigFromEnv(env(creds))
		if err != nil {
			t.Fatal(err)
		}
		if s.CacheTTL != 24*time.Hour || !s.Migrate || s.IrisPerMinute != 60 || s.NATSURL != "nats://127.0.0.1:4222" {
			t.Errorf("defaults not applied: %+v", s)
		}
	})
	t.Run("overrides", func(t *testing.T) {
		t.Parallel()
		s, err := ConfigFromEnv(env(with("IRISFLOW_CACHE_TTL", "2h", "IRISFLOW_MIGRATE", "false", "IRISFLOW_IRIS_PER_MINUTE", "30")))
		if err != nil {
			t.Fatal(err)
		}
		if s.CacheTTL != 2*time.Hour || s.Migrate || s.IrisPerMinute != 30 {
			t.Errorf("overrides not applied: %+v", s)
		}
	})
	bad := []struct{ name, key, value, want string }{
		{"ttl", "IRISFLOW_CACHE_TTL", "soon", "IRISFLOW_CACHE_TTL"},
		{"negative ttl", "IRISFLOW_CACHE_TTL", "-1h", "IRISFLOW_CACHE_TTL"},
		{"migrate", "IRISFLOW_MIGRATE", "maybe", "IRISFLOW_MIGRATE"},
		{"per minute", "IRISFLOW_IRIS_PER_MINUTE", "0", "IRISFLOW_IRIS_PER_MINUTE"},
		{"auth", "IRISFLOW_IRIS_AUTH", "md5", "IRISFLOW_IRIS_AUTH"},
		{"no key", "IRISFLOW_IRIS_KEY", " ", "IRISFLOW_IRIS_KEY"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ConfigFromEnv(env(with(tc.key, tc.value)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %s", err, tc.want)
			}
		})
	}
	t.Run("secrets masked", func(t *testing.T) {
		t.Parallel()
		s, err := ConfigFromEnv(env(with("IRISFLOW_DATABASE_URL", "postgres://app:dbpass@db/irisflow")))
		if err != nil {
			t.Fatal(err)
		}
		out := fmt.Sprint(s.LogAttrs()...)
		if strings.Contains(out, "secret-key") || strings.Contains(out, "dbpass") {
			t.Errorf("startup log leaks a secret: %s", out)
		}
	})
}
