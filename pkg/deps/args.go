package deps

import (
	"flag"
	"fmt"
	"io"
	"strconv"
)

// Args parses a standalone service binary's command line and returns the
// getenv Standalone reads: the flags override the variables they name.
//
//	--config FILE    IRISFLOW_CONFIG (the YAML file; default $IRISFLOW_CONFIG)
//	--app-config F   IRISFLOW_APP_CONFIG (a resilient-circuits app.config)
//	--log-format F   IRISFLOW_LOG_FORMAT (text, json or auto)
//	--migrate=false  IRISFLOW_MIGRATE (for operators who migrate separately
//	                 with `irisflow migrate`; default: migrate at start)
//
// A flag left out leaves the variable as the environment has it. Errors
// (an unknown flag, a stray argument, -h) come back already written to
// out, with the usage.
func Args(service string, args []string, getenv func(string) string, out io.Writer) (func(string) string, error) {
	fs := flag.NewFlagSet(service, flag.ContinueOnError)
	fs.SetOutput(out)
	file := fs.String("config", getenv("IRISFLOW_CONFIG"), "YAML configuration `file` (IRISFLOW_* variables override it)")
	appConfig := fs.String("app-config", getenv("IRISFLOW_APP_CONFIG"), "resilient-circuits app.config `file` (IRISFLOW_APP_CONFIG; irisflow settings override it)")
	logFormat := fs.String("log-format", getenv("IRISFLOW_LOG_FORMAT"), "log format on stderr: text, json or auto (text on a terminal, else JSON; IRISFLOW_LOG_FORMAT)")
	migrate := fs.Bool("migrate", true, "apply the SQL migrations at start (IRISFLOW_MIGRATE); false when migrating separately")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("%s takes no arguments, got %q", service, fs.Args())
		fmt.Fprintln(out, err)
		fs.Usage()
		return nil, err
	}
	set := map[string]string{"IRISFLOW_CONFIG": *file, "IRISFLOW_APP_CONFIG": *appConfig, "IRISFLOW_LOG_FORMAT": *logFormat}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "migrate" {
			set["IRISFLOW_MIGRATE"] = strconv.FormatBool(*migrate)
		}
	})
	return func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return getenv(k)
	}, nil
}
