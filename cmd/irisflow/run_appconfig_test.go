package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// `irisflow run --app-config` takes the SOAR connection and the DomainTools
// credentials from a resilient-circuits app.config: without it the
// configuration is incomplete; with it the run gets past the configuration
// (and stops at the NATS it cannot reach, which proves it went on).
func TestRunAppConfig(t *testing.T) {
	dbURL := testenv.Postgres(t)
	for k, v := range map[string]string{
		"IRISFLOW_DATABASE_URL": dbURL, "IRISFLOW_CONFIG": "", "IRISFLOW_APP_CONFIG": "none",
		"IRISFLOW_HTTP_LISTEN": "off", "IRISFLOW_NATS_URL": "nats://127.0.0.1:1",
	} {
		t.Setenv(k, v)
	}
	_, err := execute(t, "run")
	if err == nil || !strings.Contains(err.Error(), "api_key_id") {
		t.Fatalf("run without credentials: %v", err)
	}
	app := filepath.Join(t.TempDir(), "app.config")
	text := "[resilient]\nhost=127.0.0.1\nport=1\napi_key_id=id\napi_key_secret=secret\norg=201\ncafile=false\n\n[fn_domaintools]\ndt_api_user_name=u\ndt_api_key=k\n"
	if err := os.WriteFile(app, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = execute(t, "run", "--app-config", app)
	if err == nil || strings.Contains(err.Error(), "api_key_id") || !strings.Contains(err.Error(), "nats") {
		t.Fatalf("run --app-config: %v", err)
	}
}
