package main

import (
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// `irisflow run --migrate=false` on a database nobody migrated stops at
// start with the command that fixes it, even though the environment asks
// for migrations; the database is left as it was.
func TestRunMigrateFalseRefusesAnUnmigratedDatabase(t *testing.T) {
	dbURL := testenv.EmptyPostgres(t)
	for k, v := range map[string]string{
		"IRISFLOW_DATABASE_URL": dbURL, "IRISFLOW_MIGRATE": "true", "IRISFLOW_CONFIG": "",
		"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k",
		"IRISFLOW_RESILIENT_URL": "http://127.0.0.1:1", "IRISFLOW_RESILIENT_API_KEY_ID": "id", "IRISFLOW_RESILIENT_API_KEY_SECRET": "secret",
		"IRISFLOW_DESTINATIONS": "201:domaintools", "IRISFLOW_STOMP_URL": "stomp://127.0.0.1:1", "IRISFLOW_HTTP_LISTEN": "off",
	} {
		t.Setenv(k, v)
	}
	out, err := execute(t, "run", "--migrate=false")
	if err == nil || !strings.Contains(err.Error(), "irisflow migrate") {
		t.Fatalf("run --migrate=false on an empty database: %v\n%s", err, out)
	}
	if _, err := execute(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	// Now the schema is there; run --migrate=false gets past the check
	// (and stops at the NATS it cannot reach, which proves it went on).
	t.Setenv("IRISFLOW_NATS_URL", "nats://127.0.0.1:1")
	_, err = execute(t, "run", "--migrate=false")
	if err == nil || strings.Contains(err.Error(), "irisflow migrate") || !strings.Contains(err.Error(), "nats") {
		t.Fatalf("run --migrate=false after irisflow migrate: %v", err)
	}
}
