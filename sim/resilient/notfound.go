package resilientsim

import "net/http"

// serveHTTP dispatches to the routes; a request no route takes gets the
// status Go's mux would give it (404, or 405 with Allow) in SOAR's JSON
// error body. SOAR's REST API is JAX-RS: its messages are the JAX-RS
// reason phrases ("HTTP 404 Not Found").
func (s *Sim) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // sets the path values h reads
		return
	}
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	status := probe.status
	if status == 0 {
		status = http.StatusNotFound
	}
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	if status == http.StatusMovedPermanently || status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect {
		h.ServeHTTP(w, r) // the mux's own redirect (a cleaned path)
		return
	}
	write(w, errorReply(status, "HTTP "+jsonInt(int64(status))+" "+http.StatusText(status)))
}

// statusProbe records the status and headers a handler writes, dropping
// its body.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
