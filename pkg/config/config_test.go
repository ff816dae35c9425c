package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var complete = map[string]string{
	"IRISFLOW_STOMP_URL":                "stomp+ssl://soar.example.com:65001",
	"IRISFLOW_RESILIENT_URL":            "https://soar.example.com",
	"IRISFLOW_RESILIENT_API_KEY_ID":     "key-id",
	"IRISFLOW_RESILIENT_API_KEY_SECRET": "s3cr3t-resilient",
	"IRISFLOW_IRIS_USER":                "analyst",
	"IRISFLOW_IRIS_KEY":                 "s3cr3t-iris",
}

func TestDefaultsAndEnv(t *testing.T) {
	t.Parallel()
	e := map[string]string{"IRISFLOW_DESTINATIONS": "201:domaintools, 202:dt_queue", "IRISFLOW_CACHE_TTL": "2h", "IRISFLOW_MIGRATE": "false"}
	for k, v := range complete {
		e[k] = v
	}
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	if c.Enricher.CacheTTL != 2*time.Hour || *c.Migrate || len(c.STOMP.Destinations) != 2 || c.STOMP.Destinations[1].Name != "dt_queue" {
		t.Fatalf("env not applied: %+v", c)
	}
	if c.Iris.PerMinute != 60 || c.Playbook.RiskThreshold != 90 || c.Playbook.PivotThreshold != 300 || !*c.Playbook.Automatic || *c.Playbook.AutoPivot {
		t.Fatalf("defaults not applied: %+v", c.Playbook)
	}
	if got := strings.Join(c.Playbook.PivotTypes, ","); got != "ssl_hash,ip,email" {
		t.Fatalf("pivot types %s", got)
	}
	if len(c.Services) != 4 {
		t.Fatalf("services %v", c.Services)
	}
}

func TestFileWithOrgOverride(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "irisflow.yaml")
	yaml := `
iris:
  per_minute: 20
playbook:
  risk_threshold: 80
  auto_pivot: true
orgs:
  202:
    automatic: false
    tags: [apt29]
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, env(complete))
	if err != nil {
		t.Fatal(err)
	}
	p := c.PlaybookFor(202)
	if *p.Automatic || p.Tags[0] != "apt29" || p.RiskThreshold != 80 || !*p.AutoPivot {
		t.Fatalf("org override must inherit the base playbook: %+v", p)
	}
	if d := c.PlaybookFor(201); !*d.Automatic || d.RiskThreshold != 80 {
		t.Fatalf("default playbook: %+v", d)
	}
	if c.Iris.PerMinute != 20 {
		t.Fatalf("per minute %d", c.Iris.PerMinute)
	}
}

func TestValidationSaysWhatToSet(t *testing.T) {
	t.Parallel()
	_, err := config.Load("", env(map[string]string{"IRISFLOW_IRIS_AUTH": "md5", "IRISFLOW_DESTINATIONS": "x"}))
	if err == nil {
		t.Fatal("an empty configuration must not validate")
	}
	for _, want := range []string{"IRISFLOW_STOMP_URL", "IRISFLOW_RESILIENT_API_KEY_ID", "IRISFLOW_RESILIENT_URL", "IRISFLOW_IRIS_USER", "md5", "ORG_ID:DESTINATION"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
	// Only the services that run need their settings.
	if _, err := config.Load("", env(map[string]string{"IRISFLOW_SERVICES": "enricher", "IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k"})); err != nil {
		t.Fatalf("an enricher-only process needs no STOMP or REST settings: %v", err)
	}
	path := filepath.Join(t.TempDir(), "bad.yaml")
	_ = os.WriteFile(path, []byte("iris:\n  per_minut: 3\n"), 0o600)
	if _, err := config.Load(path, env(complete)); err == nil || !strings.Contains(err.Error(), "per_minut") {
		t.Fatalf("a misspelt key must be reported: %v", err)
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	t.Parallel()
	e := map[string]string{"IRISFLOW_DATABASE_URL": "postgres://app:dbpass@db:5432/irisflow", "IRISFLOW_NATS_URL": "nats://u:natspass@n:4222"}
	for k, v := range complete {
		e[k] = v
	}
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	out := c.String()
	for _, secret := range []string{"s3cr3t-resilient", "s3cr3t-iris", "dbpass", "natspass"} {
		if strings.Contains(out, secret) {
			t.Fatalf("secret %q in the printed configuration:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "postgres://app:*****@db:5432/irisflow") {
		t.Errorf("the database URL should show its user and a masked password:\n%s", out)
	}
	if !strings.Contains(out, "key-id") || !strings.Contains(out, "analyst") {
		t.Fatalf("non-secret identifiers should stay visible:\n%s", out)
	}
	if c.Iris.Key != "s3cr3t-iris" {
		t.Fatal("Masked must not change the original")
	}
}

func TestLoadForRunsOneService(t *testing.T) {
	t.Parallel()
	iris := map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k", "IRISFLOW_SERVICES": "bridge,writer"}
	tests := []struct {
		service string
		env     map[string]string
		wantErr string
	}{
		// IRISFLOW_SERVICES is ignored: an enricher needs no STOMP or REST settings.
		{config.ServiceEnricher, iris, ""},
		{config.ServicePivoter, iris, ""},
		{config.ServiceBridge, complete, ""},
		{config.ServiceWriter, complete, ""},
		{config.ServiceEnricher, map[string]string{}, "IRISFLOW_IRIS_USER"},
		{config.ServiceBridge, iris, "IRISFLOW_STOMP_URL"},
		{config.ServiceWriter, iris, "IRISFLOW_RESILIENT_URL"},
		{"indexer", complete, `unknown service "indexer"`},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.wantErr, func(t *testing.T) {
			t.Parallel()
			c, err := config.LoadFor(tt.service, "", env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Services) != 1 || c.Services[0] != tt.service {
				t.Fatalf("services %v, want [%s]", c.Services, tt.service)
			}
		})
	}
}

// TestServiceSettingsValidated covers what the services' own environment
// readers used to check: each bad value is reported naming what to set.
func TestServiceSettingsValidated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, service string
		change        map[string]string
		yaml          string
		want          string
	}{
		{"stomp url missing", config.ServiceBridge, map[string]string{"IRISFLOW_STOMP_URL": ""}, "", "IRISFLOW_STOMP_URL is required"},
		{"stomp url scheme", config.ServiceBridge, map[string]string{"IRISFLOW_STOMP_URL": "http://x:1"}, "", `scheme "http" (want stomp+ssl:// for TLS or stomp:// for plain STOMP)`},
		{"stomp url scheme the bridge used to accept", config.ServiceBridge, map[string]string{"IRISFLOW_STOMP_URL": "ssl://x:1"}, "", `scheme "ssl"`},
		{"stomp login", config.ServiceBridge, map[string]string{"IRISFLOW_RESILIENT_API_KEY_SECRET": ""}, "", "IRISFLOW_RESILIENT_API_KEY_SECRET"},
		{"bridge destination", config.ServiceBridge, map[string]string{"IRISFLOW_DESTINATIONS": "201-domaintools"}, "", `"201-domaintools" is not ORG_ID:DESTINATION`},
		{"destination wildcard", config.ServiceBridge, map[string]string{"IRISFLOW_DESTINATIONS": "201:domain.*"}, "", "no dots, spaces or wildcards"},
		{"destination twice", config.ServiceBridge, map[string]string{"IRISFLOW_DESTINATIONS": "201:dt,201:dt"}, "", "201:dt is listed twice"},
		{"prefetch", config.ServiceBridge, nil, "stomp:\n  prefetch: 5000\n", "stomp.prefetch 5000"},
		{"writer orgs", config.ServiceWriter, map[string]string{"IRISFLOW_DESTINATIONS": "domaintools"}, "", "IRISFLOW_DESTINATIONS"},
		{"writer url", config.ServiceWriter, map[string]string{"IRISFLOW_RESILIENT_URL": ""}, "", "IRISFLOW_RESILIENT_URL is required"},
		{"writer url scheme", config.ServiceWriter, map[string]string{"IRISFLOW_RESILIENT_URL": "soar.example.com"}, "", "must be an http(s):// URL"},
		{"writer key", config.ServiceWriter, map[string]string{"IRISFLOW_RESILIENT_API_KEY_ID": ""}, "", "IRISFLOW_RESILIENT_API_KEY_ID"},
		{"cache ttl", config.ServiceEnricher, map[string]string{"IRISFLOW_CACHE_TTL": "soon"}, "", "IRISFLOW_CACHE_TTL"},
		{"negative ttl", config.ServiceEnricher, map[string]string{"IRISFLOW_CACHE_TTL": "-1h"}, "", "cache_ttl must not be negative"},
		{"enricher concurrency", config.ServiceEnricher, nil, "enricher:\n  concurrency: 5000\n", "enricher.concurrency 5000 is outside 1..1000"},
		{"negative window", config.ServiceEnricher, nil, "enricher:\n  batch_window: -1s\n", "batch_window must not be negative"},
		{"function kind", config.ServiceBridge, nil, "functions:\n  acme_profile: profil\n", `"acme_profile" maps to "profil"`},
		{"migrate", config.ServiceEnricher, map[string]string{"IRISFLOW_MIGRATE": "maybe"}, "", "IRISFLOW_MIGRATE"},
		{"per minute", config.ServiceEnricher, map[string]string{"IRISFLOW_IRIS_PER_MINUTE": "-1"}, "", "per_minute"},
		{"iris auth", config.ServicePivoter, map[string]string{"IRISFLOW_IRIS_AUTH": "md5"}, "", "IRISFLOW_IRIS_AUTH"},
		{"iris key", config.ServicePivoter, map[string]string{"IRISFLOW_IRIS_KEY": ""}, "", "IRISFLOW_IRIS_KEY"},
		{"pivot threshold", config.ServicePivoter, map[string]string{"IRISFLOW_PIVOT_THRESHOLD": "many"}, "", "IRISFLOW_PIVOT_THRESHOLD"},
		{"nats url", config.ServiceWriter, map[string]string{"IRISFLOW_NATS_URL": "http://n:4222"}, "", "IRISFLOW_NATS_URL"},
		{"database url", config.ServiceWriter, map[string]string{"IRISFLOW_DATABASE_URL": "mysql://db"}, "", "IRISFLOW_DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := map[string]string{}
			for k, v := range complete {
				e[k] = v
			}
			for k, v := range tt.change {
				e[k] = v
			}
			path := ""
			if tt.yaml != "" {
				path = filepath.Join(t.TempDir(), "irisflow.yaml")
				if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := config.LoadFor(tt.service, path, env(e))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDestinationOrgs(t *testing.T) {
	t.Parallel()
	e := map[string]string{"IRISFLOW_DESTINATIONS": "202:dt, 201:domaintools, 202:other"}
	for k, v := range complete {
		e[k] = v
	}
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DestinationOrgs(); len(got) != 2 || got[0] != 201 || got[1] != 202 {
		t.Fatalf("orgs %v, want [201 202]", got)
	}
}

func TestStreamReplicasFromEnv(t *testing.T) {
	t.Parallel()
	e := map[string]string{"IRISFLOW_STREAM_REPLICAS": "3"}
	for k, v := range complete {
		e[k] = v
	}
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	if c.StreamReplicas != 3 {
		t.Errorf("StreamReplicas = %d, want 3 from IRISFLOW_STREAM_REPLICAS", c.StreamReplicas)
	}
	e["IRISFLOW_STREAM_REPLICAS"] = "three"
	if _, err := config.Load("", env(e)); err == nil || !strings.Contains(err.Error(), "IRISFLOW_STREAM_REPLICAS") {
		t.Errorf("a bad IRISFLOW_STREAM_REPLICAS must be named: %v", err)
	}
}
