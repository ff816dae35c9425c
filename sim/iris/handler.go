package irissim

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Endpoint paths (also the keys of Counters.ByEndpoint).
const (
	PathInvestigate = "/v1/iris-investigate/"
	PathEnrich      = "/v1/iris-enrich/"
	PathAccount     = "/v1/account/"
	PathRisk        = "/v1/risk/"
)

// Handler serves the /v1 API plus GET /_sim/counters and POST /_sim/reset.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sim/counters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Counters())
	})
	mux.HandleFunc("POST /_sim/reset", func(w http.ResponseWriter, r *http.Request) {
		s.ResetCounters()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", s.serveAPI)
	return mux
}

func route(path string) string {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	switch path {
	case PathInvestigate, PathEnrich, PathAccount, PathRisk:
		return path
	}
	return ""
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	ep := route(r.URL.Path)
	if ep == "" {
		s.counters.endpoint("other")
		writeError(w, http.StatusNotFound, msgNotFound)
		return
	}
	s.counters.endpoint(ep)
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed; use GET or POST.")
		return
	}
	if len(r.RequestURI) > s.cfg.MaxURLBytes {
		writeError(w, http.StatusRequestURITooLong, "The request URI is too long; send the parameters in a POST body.")
		return
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "The request body is too large.")
			return
		}
		writeError(w, http.StatusBadRequest, msgBadRequest+err.Error())
		return
	}
	form := r.Form
	if !s.wait(r) {
		s.counters.canceled.Add(1)
		return
	}
	user, code := s.authenticate(r, form)
	if code != http.StatusOK {
		s.counters.eAuth.Add(1)
		msg := msgBadCredentials
		if code == http.StatusUnauthorized {
			msg = msgNoCredentials
		}
		slog.Debug("iris sim: auth rejected", "path", r.URL.Path, "status", code, "user", form.Get("api_username"))
		writeError(w, code, msg)
		return
	}
	if status := s.failNext(); status != 0 {
		s.writeBurstError(w, status)
		return
	}
	now := s.cfg.Now()
	product := ""
	switch ep {
	case PathInvestigate:
		product = productInvestigate
	case PathEnrich:
		product = productEnrich
	}
	if product != "" {
		if msg := s.overQuota(user, product, now); msg != "" {
			s.counters.e503.Add(1)
			writeError(w, http.StatusServiceUnavailable, msg)
			return
		}
	}
	if s.injectError() {
		s.counters.e500.Add(1)
		writeError(w, http.StatusInternalServerError, msgInternal)
		return
	}
	switch ep {
	case PathInvestigate:
		s.investigate(w, r, user, form, now)
	case PathEnrich:
		s.enrich(w, user, form, now)
	case PathAccount:
		s.account(w, user, now)
	case PathRisk:
		s.risk(w, form)
	}
}

// overQuota counts one request of user on product against the hourly and
// the per-minute quota; it answers the 503 message of the quota exceeded,
// "" when the request fits.
func (s *Server) overQuota(user, product string, now time.Time) string {
	ok, over := s.quota.allow(user, product, now, limit{time.Hour, s.cfg.PerHour}, limit{time.Minute, s.cfg.PerMinute})
	if ok {
		return ""
	}
	unit := "minute"
	if over.per == time.Hour {
		unit = "hour"
	}
	return "You have exceeded the rate limit of " + itoa(over.n) + " queries per " + unit + " for " + product + ". Please wait and try again."
}

// wait injects Latency; false when the request's context ended first.
func (s *Server) wait(r *http.Request) bool {
	if s.cfg.Latency <= 0 {
		return true
	}
	t := time.NewTimer(s.cfg.Latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// injectError decides, from Seed and the request's sequence number,
// whether this request fails with 500.
func (s *Server) injectError() bool {
	if s.cfg.ErrorRate <= 0 {
		return false
	}
	x := splitmix64(uint64(s.cfg.Seed) ^ s.seq.next()*0x9e3779b97f4a7c15)
	return float64(x>>11)/(1<<53) < s.cfg.ErrorRate
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// requestedDomains parses the comma list of domain (lower-cased, deduped).
func requestedDomains(form url.Values) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range form["domain"] {
		for _, d := range splitList(v) {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}
