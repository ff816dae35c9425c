package config_test

import (
	"encoding/pem"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// appEnv is a process environment for the app.config tests: HOME (an
// empty directory unless given) and vars.
func appEnv(t *testing.T, vars map[string]string) map[string]string {
	t.Helper()
	e := map[string]string{"HOME": t.TempDir()}
	for k, v := range vars {
		e[k] = v
	}
	return e
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func testdata(name string) string { return filepath.Join("testdata", "appconfig", name) }

func TestAppConfigShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		setup func(t *testing.T, e map[string]string)
		check func(t *testing.T, c *config.Config)
	}{{
		file: "circuits-template.config", // resilient-circuits config -c, then config -u for fn_domaintools
		check: func(t *testing.T, c *config.Config) {
			want(t, "resilient.url", c.Resilient.URL, "https://soar.example.com")
			want(t, "stomp.url", c.STOMP.URL, "stomp+ssl://soar.example.com:65001")
			want(t, "api_key_id", c.Resilient.APIKeyID, "8d5b7c2a-0e41-4a7e-9d3c-2f6b1c0e9a11")
			want(t, "api_key_secret", c.Resilient.APIKeySecret, "Zk3vR9pQ2wLx7TnYb4HsJ0cUe6MaFd8G")
			want(t, "destinations", destinations(c), "201:domaintools")
			want(t, "iris.user", c.Iris.User, "soc_analyst")
			want(t, "iris.key", c.Iris.Key, "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c")
			want(t, "prefetch (irisflow default)", c.STOMP.Prefetch, 20)
			if c.Resilient.Insecure || c.STOMP.InsecureSkipVerify || c.Resilient.CAFile != "" {
				t.Errorf("TLS: %+v %+v, want verified against the system roots", c.Resilient, c.STOMP)
			}
		},
	}, {
		file: "email-password.config", // key: value, mixed-case keys, a continuation line, ~ in cafile
		setup: func(t *testing.T, e map[string]string) {
			writeFile(t, filepath.Join(e["HOME"], ".resilient", "cert.cer"), "not parsed at load")
		},
		check: func(t *testing.T, c *config.Config) {
			want(t, "resilient.url", c.Resilient.URL, "https://soar.internal.example.org:8443")
			want(t, "stomp.url", c.STOMP.URL, "stomp+ssl://soar.internal.example.org:65001")
			want(t, "email", c.Resilient.Email, "soar-integration@example.org")
			want(t, "password", c.Resilient.Password, "c0rrect-h0rse")
			want(t, "api_key_id", c.Resilient.APIKeyID, "")
			want(t, "destinations", destinations(c), "202:domaintools")
			want(t, "prefetch", c.STOMP.Prefetch, 50)
			if !strings.HasSuffix(c.Resilient.CAFile, filepath.Join(".resilient", "cert.cer")) || strings.HasPrefix(c.Resilient.CAFile, "~") {
				t.Errorf("cafile %q, want ~ expanded", c.Resilient.CAFile)
			}
			want(t, "iris.user", c.Iris.User, "dt_user")
			if s := c.String(); strings.Contains(s, "c0rrect-h0rse") || strings.Contains(s, "dt-key-value") {
				t.Errorf("a secret is logged:\n%s", s)
			}
		},
	}, {
		file: "cp4s.config", // Cloud Pak for Security: separate STOMP host, a REST prefix, a STOMP CA
		setup: func(t *testing.T, e map[string]string) {
			writeFile(t, filepath.Join(e["HOME"], ".resilient", "stomp-ca.pem"), "x")
		},
		check: func(t *testing.T, c *config.Config) {
			want(t, "resilient.url", c.Resilient.URL, "https://cp4s.example.com/api/respond")
			want(t, "stomp.url", c.STOMP.URL, "stomp+ssl://stomp-cp4s.example.com:443")
			if !strings.HasSuffix(c.STOMP.CAFile, "stomp-ca.pem") {
				t.Errorf("stomp.cafile %q", c.STOMP.CAFile)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			e := appEnv(t, map[string]string{"IRISFLOW_APP_CONFIG": testdata(tt.file)})
			if tt.setup != nil {
				tt.setup(t, e)
			}
			c, err := config.Load("", env(e))
			if err != nil {
				t.Fatal(err)
			}
			want(t, "app_config", c.AppConfig, testdata(tt.file))
			tt.check(t, c)
		})
	}
}

// An App Host app.config: every secret from the environment ($NAME,
// ${NAME}), cafile=false, and the org by name — looked up in SOAR, as
// resilient-circuits does.
func TestAppConfigAppHostOrgByName(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(resilientsim.New(resilientsim.Config{Orgs: []int64{201, 202}}).Handler())
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	e := appEnv(t, map[string]string{
		"IRISFLOW_APP_CONFIG": testdata("apphost.config"),
		"SOAR_HOST":           u.Hostname(), "SOAR_PORT": u.Port(),
		"API_KEY_ID": resilientsim.DefaultAPIKeyID, "API_KEY_SECRET": resilientsim.DefaultAPIKeySecret,
		"DT_API_USER_NAME": "dt", "DT_API_KEY": "dtkey",
	})
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "resilient.url", c.Resilient.URL, srv.URL)
	want(t, "destinations (org201 looked up)", destinations(c), "201:domaintools")
	if !c.Resilient.Insecure || !c.STOMP.InsecureSkipVerify {
		t.Errorf("cafile=false: insecure %v / %v, want both true", c.Resilient.Insecure, c.STOMP.InsecureSkipVerify)
	}
	want(t, "iris.key", c.Iris.Key, "dtkey")

	// An org the key cannot use is named, with the ones it can.
	e["IRISFLOW_APP_CONFIG"] = filepath.Join(t.TempDir(), "app.config")
	b, _ := os.ReadFile(testdata("apphost.config"))
	writeFile(t, e["IRISFLOW_APP_CONFIG"], strings.Replace(string(b), "org=org201", "org=Other Org", 1))
	_, err = config.Load("", env(e))
	for _, s := range []string{`org="Other Org"`, `"org201" (201)`, `"org202" (202)`, "IRISFLOW_DESTINATIONS"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("unknown org: err = %v, want it to mention %s", err, s)
		}
	}

	// The CA of the server as cafile works too (and the secret variables are required).
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, ca, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	writeFile(t, e["IRISFLOW_APP_CONFIG"], strings.Replace(string(b), "cafile=false", "cafile="+ca, 1))
	delete(e, "API_KEY_SECRET")
	_, err = config.Load("", env(e))
	if err == nil || !strings.Contains(err.Error(), "api_key_secret: refers to the environment variable API_KEY_SECRET, which is not set") {
		t.Errorf("unset variable: err = %v", err)
	}
	e["API_KEY_SECRET"] = resilientsim.DefaultAPIKeySecret
	if c, err = config.Load("", env(e)); err != nil || c.Resilient.CAFile != ca || c.Resilient.Insecure {
		t.Errorf("with the CA: %v %+v", err, c)
	}
}

func TestAppConfigBadValuesNamed(t *testing.T) {
	t.Parallel()
	e := appEnv(t, map[string]string{"IRISFLOW_APP_CONFIG": testdata("bad.config")})
	_, err := config.Load("", env(e))
	if err == nil {
		t.Fatal("bad.config loaded")
	}
	for _, s := range []string{
		`:3 [resilient] port: "https" is not a port number`,
		`[resilient] api_key_secret: is a keyring reference`,
		`api_key_id and api_key_secret go together`,
		`[resilient] stomp_prefetch_limit: "none" is not a positive number`,
		`[resilient] cafile: /nonexistent/irisflow-test/ca.pem`,
		`[fn_domaintools] dt_api_user_name: "<API Username>" is still the template's placeholder`,
		`[fn_domaintools] dt_api_key: is still the template's placeholder`,
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error does not say %q:\n%v", s, err)
		}
	}
	if strings.Contains(err.Error(), "<API Key>") {
		t.Errorf("the secret's value is in the error: %v", err)
	}
	for _, bad := range []string{"host=x\n", "[resilient]\nnot a key\n", "[resilient\nhost=x\n", "  indented=1\n"} {
		p := filepath.Join(t.TempDir(), "app.config")
		writeFile(t, p, bad)
		if _, err := config.Load("", env(map[string]string{"IRISFLOW_APP_CONFIG": p})); err == nil || !strings.Contains(err.Error(), "app.config") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

// irisflow's own settings win over app.config, field by field; the default
// ~/.resilient/app.config is read only when nothing else names one and no
// irisflow file is given.
func TestAppConfigPrecedence(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(testdata("circuits-template.config"))
	if err != nil {
		t.Fatal(err)
	}
	e := appEnv(t, map[string]string{
		"IRISFLOW_RESILIENT_URL":   "https://override.example.com",
		"IRISFLOW_DESTINATIONS":    "305:domaintools",
		"IRISFLOW_IRIS_USER":       "own-user",
		"IRISFLOW_IRIS_KEY":        "own-key",
		"IRISFLOW_STOMP_URL":       "stomp://127.0.0.1:61613",
		"IRISFLOW_RESILIENT_EMAIL": "me@example.com", "IRISFLOW_RESILIENT_PASSWORD": "pw",
	})
	def := filepath.Join(e["HOME"], ".resilient", "app.config")
	writeFile(t, def, string(b))
	c, err := config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "default app.config read", c.AppConfig, def)
	want(t, "resilient.url", c.Resilient.URL, "https://override.example.com")
	want(t, "destinations", destinations(c), "305:domaintools")
	want(t, "iris.user", c.Iris.User, "own-user")
	want(t, "stomp.url", c.STOMP.URL, "stomp://127.0.0.1:61613")
	want(t, "api key (irisflow logs in with its email)", c.Resilient.APIKeyID, "")

	yaml := filepath.Join(t.TempDir(), "irisflow.yaml")
	writeFile(t, yaml, "iris:\n  per_minute: 5\n")
	c, err = config.Load(yaml, env(e))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "no default app.config next to an irisflow file", c.AppConfig, "")

	e["IRISFLOW_APP_CONFIG"] = config.AppConfigNone
	c, err = config.Load("", env(e))
	if err != nil {
		t.Fatal(err)
	}
	want(t, "app_config none", c.AppConfig, config.AppConfigNone)
	want(t, "api key", c.Resilient.APIKeyID, "")

	e["IRISFLOW_APP_CONFIG"] = filepath.Join(t.TempDir(), "missing.config")
	if _, err := config.Load("", env(e)); err == nil || !strings.Contains(err.Error(), "missing.config") {
		t.Errorf("a named app.config that is missing: err = %v", err)
	}
}

func want[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func destinations(c *config.Config) string {
	var out []string
	for _, d := range c.STOMP.Destinations {
		out = append(out, d.String())
	}
	return strings.Join(out, ",")
}
