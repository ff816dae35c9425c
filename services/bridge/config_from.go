package bridge

import (
	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
)

// FromConfig is the bridge's Config for the configuration cfg, on d's
// JetStream and logger: the STOMP URL, TLS (stomp.cafile, falling back to
// resilient.cafile), the API key (else the email and password) as login, the destinations, prefetch,
// heart-beat and function name overrides.
func FromConfig(cfg *config.Config, d *deps.Deps) Config {
	c := Config{
		StompURL: cfg.STOMP.URL, CAFile: cfg.STOMP.CAFile, InsecureSkipVerify: cfg.STOMP.InsecureSkipVerify,
		Login: cfg.Resilient.APIKeyID, Passcode: cfg.Resilient.APIKeySecret,
		Prefetch: cfg.STOMP.Prefetch, HeartBeat: cfg.STOMP.HeartBeat, FunctionKinds: cfg.Functions,
		NATS: d.JS, Streams: flow.StreamOptions{Replicas: cfg.StreamReplicas}, Logger: d.Log, Ready: d.Ready, Metrics: d.Metrics,
	}
	if c.Login == "" { // no API key: the email and password log in, as in resilient-circuits
		c.Login, c.Passcode = cfg.Resilient.Email, cfg.Resilient.Password
	}
	if c.CAFile == "" {
		c.CAFile = cfg.Resilient.CAFile
	}
	for _, dst := range cfg.STOMP.Destinations {
		c.Destinations = append(c.Destinations, Destination{Org: dst.Org, Name: dst.Name})
	}
	return c
}

// Service is the bridge for pkg/deps: cmd/bridge runs it alone (Service.Main),
// irisflow run with the other configured services (Service.On).
var Service = deps.Define(config.ServiceBridge, FromConfig, Run)
