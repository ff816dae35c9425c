package bridge

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps/depstest"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"IRISFLOW_STOMP_URL":                "stomp+ssl://soar.example.com:65001",
		"IRISFLOW_DESTINATIONS":             "201:domaintools, 202:domaintools",
		"IRISFLOW_RESILIENT_API_KEY_ID":     "key-id-123456",
		"IRISFLOW_RESILIENT_API_KEY_SECRET": "very-secret-value",
		"IRISFLOW_RESILIENT_CAFILE":         "soar.pem",
	}
	depstest.FromConfig(t, config.ServiceBridge, FromConfig,
		depstest.Case[Config]{Name: "environment", Env: base, Check: func(t *testing.T, c Config) {
			if c.StompURL != "stomp+ssl://soar.example.com:65001" || c.Login != "key-id-123456" || c.Passcode != "very-secret-value" {
				t.Errorf("connection %+v", c)
			}
			if !slices.Equal(c.Destinations, []Destination{{201, "domaintools"}, {202, "domaintools"}}) {
				t.Errorf("destinations %v", c.Destinations)
			}
			if c.CAFile != "soar.pem" || c.InsecureSkipVerify {
				t.Errorf("TLS: the Resilient CA file is the fallback: %q %v", c.CAFile, c.InsecureSkipVerify)
			}
			// The key id names the key (as pkg/config prints it); the secret is never shown, not even in part.
			if s := c.withDefaults().LogValue().String(); strings.Contains(s, "very") || !strings.Contains(s, "passcode=*****") || !strings.Contains(s, "key-id-123456") {
				t.Errorf("log value: %s", s)
			}
			if c.Prefetch != 20 || c.HeartBeat != 5*time.Second || c.Streams.Replicas != 1 {
				t.Errorf("defaults %d %v %d", c.Prefetch, c.HeartBeat, c.Streams.Replicas)
			}
		}},
		depstest.Case[Config]{Name: "stomp cafile first", Env: depstest.Env(base, "IRISFLOW_STOMP_CAFILE", "broker.pem"), Check: func(t *testing.T, c Config) {
			if c.CAFile != "broker.pem" {
				t.Errorf("CA file %q, want broker.pem", c.CAFile)
			}
		}},
		depstest.Case[Config]{Name: "file", Env: base, YAML: "stream_replicas: 3\nstomp:\n  insecure_skip_verify: true\n  prefetch: 50\n  heartbeat: 7s\nfunctions:\n  my_profile: profile\n",
			Check: func(t *testing.T, c Config) {
				if !c.InsecureSkipVerify || c.Prefetch != 50 || c.HeartBeat != 7*time.Second || c.Streams.Replicas != 3 ||
					c.FunctionKinds["my_profile"] != "profile" {
					t.Errorf("config %+v", c)
				}
			}},
	)
}
