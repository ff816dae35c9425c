package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"IRISFLOW_IRIS_USER": "analyst", "IRISFLOW_IRIS_KEY": "s3cret-key",
		"IRISFLOW_DATABASE_URL":    "postgres://irisflow:pw@db:5432/irisflow",
		"IRISFLOW_PIVOT_THRESHOLD": "150", "IRISFLOW_AUTOPIVOT_TYPES": "ssl_hash, ip_address ,registrant_org",
		"IRISFLOW_MIGRATE": "false",
	}
	s, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if s.Threshold != 150 || !slices.Equal(s.AutoTypes, []string{"ssl_hash", "ip_address", "registrant_org"}) || s.Migrate {
		t.Errorf("settings = %+v", s)
	}
	if s.SearchTTL.Hours() != 24 || s.MaxArtifactsPerPivot != 25 || s.MaxArtifactsPerIncident != 100 || s.MaxResults != 5000 || s.MaxDepth != 1 {
		t.Errorf("defaults = %+v", s)
	}
	logged := fmt.Sprint(s.LogAttrs()...)
	if strings.Contains(logged, "s3cret-key") || strings.Contains(logged, ":pw@") {
		t.Errorf("secret in the logged settings: %s", logged)
	}

	// Missing credentials and bad numbers are reported together.
	_, err = ConfigFromEnv(func(k string) string {
		return map[string]string{"IRISFLOW_PIVOT_THRESHOLD": "many"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "IRISFLOW_PIVOT_THRESHOLD") {
		t.Errorf("bad env accepted: %v", err)
	}
}
