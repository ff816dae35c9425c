package resilientsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// Sim is a simulated SOAR REST server with in-memory data. It is safe for
// concurrent use.
type Sim struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	data     *data
	sessions map[string]sessionInfo // JSESSIONID -> session
	faults   faults
	reqs     requests
	now      func() time.Time
	// onArtifact is the "artifact created" rule (OnArtifactCreated).
	onArtifact func(org, incident int64, a resilient.Artifact)
}

// OnArtifactCreated registers f as the rule SOAR runs when an artifact is
// created through the REST API (not through AddArtifact): as a Resilient rule
// "artifact created" sends the artifact to a message destination. f runs
// after the request's changes are visible and before its reply is sent.
func (s *Sim) OnArtifactCreated(f func(org, incident int64, a resilient.Artifact)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onArtifact = f
}

// New builds a Sim from cfg (see Config for defaults).
func New(cfg Config) *Sim {
	cfg = cfg.withDefaults()
	s := &Sim{
		cfg:      cfg,
		data:     newData(cfg),
		sessions: map[string]sessionInfo{},
		faults: faults{
			rng:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)), //nolint:gosec // deterministic faults
			window: map[string]*rateWindow{},
		},
		reqs: requests{byRoute: map[string]int64{}},
		now:  time.Now,
	}
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// Handler serves the REST API under /rest/ and the inspection API under
// /_sim/. A path no route serves, or a method a path does not take, is
// answered with SOAR's JSON error (404 or 405), not Go's plain text.
func (s *Sim) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start serves the sim on addr ("127.0.0.1:0" for a free port) and returns
// its base URL and a function that shuts it down.
func (s *Sim) Start(addr string) (url string, stop func(context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("resilientsim: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	stop = func(ctx context.Context) error {
		if err := srv.Shutdown(ctx); err != nil {
			return fmt.Errorf("resilientsim: shutdown: %w", err)
		}
		return <-done
	}
	return "http://" + ln.Addr().String(), stop, nil
}

func (s *Sim) routes() {
	s.route("POST /rest/session", false, s.postSession)
	s.route("GET /rest/session", true, s.getSession)
	s.route("DELETE /rest/session", true, s.deleteSession)
	s.route("GET /rest/const", true, s.getConst)
	s.route("GET /rest/orgs/{org}", true, s.getOrg)
	s.route("GET /rest/orgs/{org}/actions", true, s.listActions)
	s.route("GET /rest/orgs/{org}/types/{type}", true, s.getType)
	s.route("GET /rest/orgs/{org}/types/{type}/fields", true, s.listTypeFields)
	s.route("GET /rest/orgs/{org}/functions", true, s.listFunctions)
	s.route("GET /rest/orgs/{org}/functions/{fn}", true, s.getFunction)
	s.route("GET /rest/orgs/{org}/message_destinations", true, s.listDestinations)
	s.route("GET /rest/orgs/{org}/incidents/{inc}", true, s.getIncident)
	s.route("GET /rest/orgs/{org}/incidents/{inc}/comments", true, s.listNotes)
	s.route("POST /rest/orgs/{org}/incidents/{inc}/comments", true, s.postNote)
	s.route("GET /rest/orgs/{org}/incidents/{inc}/table_data/{table}", true, s.listRows)
	s.route("POST /rest/orgs/{org}/incidents/{inc}/table_data/{table}/row_data", true, s.postRow)
	s.route("GET /rest/orgs/{org}/incidents/{inc}/artifacts", true, s.listArtifacts)
	s.route("POST /rest/orgs/{org}/incidents/{inc}/artifacts", true, s.postArtifact)
	s.mux.HandleFunc("GET /_sim/orgs/{org}/incidents", s.simIncidents)
	s.mux.HandleFunc("GET /_sim/orgs/{org}/incidents/{inc}", s.simIncident)
	s.mux.HandleFunc("GET /_sim/requests", s.simRequests)
}
