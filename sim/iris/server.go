package irissim

import (
	"context"
	crand "crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Server is the simulated api.domaintools.com. It is safe for concurrent use.
type Server struct {
	cfg      Config
	ix       *index
	clusters []Cluster
	fixtures map[string]json.RawMessage
	keyUser  map[string]string // api key → username, for X-Api-Key
	secret   []byte            // binds position tokens to their query

	counters counters
	quota    quota
	seq      uint64Counter
	burst    burst
}

// New builds the data (built-in seed-guide domains, the universe, the
// fixtures) and returns a Server.
func New(cfg Config) (*Server, error) {
	cfg.applyDefaults()
	if cfg.Universe < 0 {
		return nil, fmt.Errorf("irissim: new: negative universe %d", cfg.Universe)
	}
	if cfg.ErrorRate < 0 || cfg.ErrorRate > 1 {
		return nil, fmt.Errorf("irissim: new: error rate %v outside [0,1]", cfg.ErrorRate)
	}
	s := &Server{cfg: cfg, keyUser: map[string]string{}}
	for u, k := range cfg.Users {
		s.keyUser[k] = u
	}
	s.secret = make([]byte, 16)
	_, _ = crand.Read(s.secret)

	anchor := cfg.Now().UTC().Truncate(24 * time.Hour)
	g := newGen(builtinSeed, anchor)
	g.builtins()
	g.rng = newRand(cfg.Seed)
	g.universe(cfg.Universe, cfg.ResultCap)
	s.ix = buildIndex(g.recs)
	s.clusters = s.finishClusters(g.plans)

	if cfg.FixturesDir != "" {
		fx, err := LoadFixtures(cfg.FixturesDir)
		if err != nil {
			return nil, fmt.Errorf("irissim: new: %w", err)
		}
		s.fixtures = fx
	}
	s.quota.init()
	return s, nil
}

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
}

// finishClusters keeps, for each plan, the shared values that are
// exclusive to it (some drawn values, e.g. person names, may repeat).
func (s *Server) finishClusters(plans []*clusterPlan) []Cluster {
	out := make([]Cluster, 0, len(plans))
	for i, p := range plans {
		c := Cluster{ID: i + 1, Shared: map[string]string{}}
		for _, m := range p.members {
			c.Domains = append(c.Domains, m.Name)
		}
		slices.Sort(c.Domains)
		for _, sv := range p.shared {
			if slices.Equal(s.Matching(sv.p, sv.v), c.Domains) {
				c.Shared[sv.p] = sv.v
			}
		}
		out = append(out, c)
	}
	return out
}

// Domain returns the result object Investigate serves for name (with
// counts), from the synthetic data or else the fixtures.
func (s *Server) Domain(name string) (json.RawMessage, bool) {
	return s.lookup(name, true)
}

func (s *Server) lookup(name string, counts bool) (json.RawMessage, bool) {
	name = norm(name)
	if id, ok := s.ix.byName[name]; ok {
		return s.ix.render(s.ix.recs[id], counts), true
	}
	raw, ok := s.fixtures[name]
	if !ok {
		return nil, false
	}
	if counts {
		return raw, true
	}
	stripped, err := stripCounts(raw)
	if err != nil {
		return raw, true
	}
	return stripped, true
}

// Clusters returns the synthetic clusters (built-in ones first).
func (s *Server) Clusters() []Cluster {
	out := make([]Cluster, len(s.clusters))
	for i, c := range s.clusters {
		out[i] = Cluster{ID: c.ID, Domains: slices.Clone(c.Domains), Shared: make(map[string]string, len(c.Shared))}
		for k, v := range c.Shared {
			out[i].Shared[k] = v
		}
	}
	return out
}

// Matching returns, sorted, exactly the synthetic domains a pivot search
// param=value returns (and whose count every result reports for that
// value). It also answers the counted filter fields create_date and
// expiration_date and the sim-only pivots. Fixture domains never match.
func (s *Server) Matching(param, value string) []string {
	if param == "tagged_with_all" {
		param = pTag
	}
	return s.ix.names(s.ix.ids(param, value))
}

// Domains returns every synthetic domain name, sorted.
func (s *Server) Domains() []string {
	out := make([]string, len(s.ix.recs))
	for i, r := range s.ix.recs {
		out[i] = r.Name
	}
	return out
}

// Start listens on addr (":0" picks a port) and serves until stop is
// called; url is "http://host:port".
func (s *Server) Start(addr string) (url string, stop func(ctx context.Context) error, err error) {
	return s.StartTLS(addr, nil)
}

// StartTLS is Start serving HTTPS with tc (url "https://host:port"); a nil
// tc serves plain HTTP.
func (s *Server) StartTLS(addr string, tc *tls.Config) (url string, stop func(ctx context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("irissim: listen %s: %w", addr, err)
	}
	scheme := "http://"
	if tc != nil {
		ln, scheme = tls.NewListener(ln, tc), "https://"
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("iris sim: serve", "err", err)
		}
	}()
	stop = func(ctx context.Context) error {
		err := srv.Shutdown(ctx)
		if err != nil {
			_ = srv.Close() // the bound passed: cut the remaining requests
		}
		wg.Wait()
		if err != nil {
			return fmt.Errorf("irissim: shutdown: %w", err)
		}
		return nil
	}
	return scheme + ln.Addr().String(), stop, nil
}
