// Command bridge runs irisflow's STOMP ⇄ JetStream bridge: it subscribes to
// Resilient's message destinations and hands function and action messages
// to the pipeline, and sends the pipeline's replies back.
//
// Configuration is irisflow's (pkg/config, README.md "Configuration"): the
// YAML file named by --config or IRISFLOW_CONFIG, if any, overridden by the
// IRISFLOW_* variables; --migrate=false leaves migrations to irisflow
// migrate. IRISFLOW_SERVICES is ignored: this binary runs the bridge only.
// It serves /healthz, /readyz and /metrics on IRISFLOW_HTTP_LISTEN and
// stops gracefully on SIGINT or SIGTERM.
package main

import (
	"os"

	"github.com/irisflow/irisflow/services/bridge"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() { os.Exit(bridge.Service.Main(version)) }
