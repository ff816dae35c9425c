package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/irisflow/irisflow/sim/broker"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
	"github.com/irisflow/irisflow/sim/tlsgen"
)

func init() { addSimCommand(newSimResilientCmd) }

// newSimResilientCmd is "irisflow sim resilient": the IBM SOAR simulator
// (REST API, /_sim inspection, /_soar STOMP side) with an embedded STOMP
// broker or an external one (ActiveMQ).
func newSimResilientCmd() *cobra.Command {
	var (
		listen, stompListen, stompURL, destination, caFile string
		org                                                int64
		cfg                                                resilientsim.Config
		useTLS                                             bool
	)
	cmd := &cobra.Command{
		Use:   "resilient",
		Short: "Run the IBM SOAR (Resilient) simulator: REST, STOMP side and an embedded broker",
		Long: `Serves the SOAR REST API, /_sim/ (inspection) and /_soar/ (replies per
correlation-id, workflow runs) on --listen, and sends function and action
messages over STOMP: to an embedded broker on --stomp-listen, or to the
broker at --stomp-url (for example a local ActiveMQ).`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := slog.Default()
			cfg.Orgs = []int64{org}
			sim := resilientsim.New(cfg)
			var certs *tlsgen.Certs
			if useTLS {
				var err error
				if certs, err = simCerts(log, "irisflow SOAR simulator", caFile, listen, stompListen); err != nil {
					return err
				}
			}
			soarCfg := soarsim.Config{Org: org, Destination: destination, Sim: sim, Logger: log,
				Login: resilientsim.DefaultAPIKeyID, Passcode: resilientsim.DefaultAPIKeySecret}
			if stompURL == "" {
				// SOAR's broker authenticates the org's API keys and users.
				opts := []broker.Option{broker.WithLogger(log), broker.WithUsers(sim.BrokerUsers())}
				if certs != nil {
					opts = append(opts, broker.WithTLS(certs.ServerConfig()))
					soarCfg.TLS = certs.ClientConfig()
				}
				b, err := broker.Start(stompListen, opts...)
				if err != nil {
					return err
				}
				defer b.Close()
				stompURL = b.URL()
				log.Info("embedded STOMP broker listening", "addr", b.Addr(), "login", resilientsim.DefaultAPIKeyID)
			}
			soarCfg.BrokerURL = stompURL
			soar, err := soarsim.New(soarCfg)
			if err != nil {
				return err
			}
			defer soar.Close()

			mux := http.NewServeMux()
			mux.Handle("/_soar/", soar.Handler())
			mux.Handle("/", sim.Handler())
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("sim resilient: listen %s: %w", listen, err)
			}
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			scheme := "http://"
			if certs != nil {
				ln, scheme = tls.NewListener(ln, certs.ServerConfig()), "https://"
			}
			log.Info("SOAR simulator ready", "url", scheme+ln.Addr().String(), "stomp", stompURL,
				"org", org, "destination", destination, "actions", soar.ActionsQueue(), "reply_to", soar.ReplyTo())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case <-ctx.Done():
			case err := <-errc:
				return fmt.Errorf("sim resilient: %w", err)
			}
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8800", "address of the REST, /_sim and /_soar HTTP API")
	f.StringVar(&stompListen, "stomp-listen", "127.0.0.1:61613", "address of the embedded STOMP broker")
	f.StringVar(&stompURL, "stomp-url", "", "use this external broker (stomp://host:port, e.g. ActiveMQ) instead of the embedded one")
	f.Int64Var(&org, "org", resilientsim.DemoOrg, "SOAR org id (its name is org<id>: org201)")
	f.BoolVar(&useTLS, "tls", false, "serve REST over https:// and the embedded broker over stomp+ssl, with a generated certificate")
	f.StringVar(&caFile, "ca-file", defaultCAFile("resilient"), "with --tls, where the generated CA is written (resilient-circuits: cafile=)")
	f.StringVar(&destination, "destination", "domaintools", "message destination API name")
	f.DurationVar(&cfg.Latency, "latency", 0, "latency added to every REST request")
	f.Float64Var(&cfg.ErrorRate, "error-rate", 0, "share (0..1) of REST requests answered 500")
	f.IntVar(&cfg.RateLimit, "rate-limit", 0, "REST requests per second per credential (0: unlimited); beyond it 429")
	cmd.AddCommand(newSimResilientInvokeCmd())
	return cmd
}

// newSimResilientInvokeCmd runs a seed workflow on a running simulator.
func newSimResilientInvokeCmd() *cobra.Command {
	var simURL, workflow, artifact string
	var incident int64
	cmd := &cobra.Command{
		Use:     "invoke",
		Short:   "Run a seed workflow (profile, risk, tags, autopivot) on an artifact in a running simulator",
		Example: "  irisflow sim resilient invoke --workflow profile --artifact int-chase.com",
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{"workflow": {workflow}, "incident": {fmt.Sprint(incident)}, "artifact": {artifact}}
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, simURL+"/_soar/workflows/run?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("sim resilient invoke: %w", err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return fmt.Errorf("sim resilient invoke: %w", err)
			}
			var out struct {
				Run   soarsim.WorkflowRun `json:"run"`
				Error string              `json:"error"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				return fmt.Errorf("sim resilient invoke: %s: %s", resp.Status, body)
			}
			for _, s := range out.Run.Steps {
				fmt.Fprintf(os.Stdout, "%-45s %s\n", s.Function, s.CorrelationID)
			}
			for _, n := range out.Run.Notes {
				fmt.Fprintf(os.Stdout, "note: %s\n", n)
			}
			if out.Run.Rows > 0 {
				fmt.Fprintf(os.Stdout, "rows: %d\n", out.Run.Rows)
			}
			if out.Error != "" {
				return fmt.Errorf("workflow %s: %s", workflow, out.Error)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&simURL, "url", "http://127.0.0.1:8800", "base URL of the running simulator")
	f.StringVar(&workflow, "workflow", "profile", "profile, risk, tags, autopivot, or a workflow's programmatic or display name")
	f.StringVar(&artifact, "artifact", "", "DNS Name artifact value, e.g. int-chase.com")
	f.Int64Var(&incident, "incident", resilientsim.DemoIncident, "incident id")
	_ = cmd.MarkFlagRequired("artifact")
	return cmd
}
