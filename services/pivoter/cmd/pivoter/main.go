// Command pivoter runs irisflow's pivoter service: Discover Actionable
// Pivots, Execute Pivots and auto-pivot work from the FN stream.
//
// Configuration is irisflow's (pkg/config, README.md "Configuration"): the
// YAML file named by --config or IRISFLOW_CONFIG, if any, overridden by the
// IRISFLOW_* variables; --migrate=false leaves migrations to irisflow
// migrate. IRISFLOW_SERVICES is ignored: this binary runs the pivoter only.
// It serves /healthz, /readyz and /metrics on IRISFLOW_HTTP_LISTEN and
// stops gracefully on SIGINT or SIGTERM.
package main

import (
	"os"

	"github.com/irisflow/irisflow/services/pivoter"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() { os.Exit(pivoter.Service.Main(version)) }
