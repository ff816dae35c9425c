package soarsim

import (
	"encoding/json"
	"net/http"
)

// Handler serves GET /_soar/replies?correlation_id=… : the replies received
// so far for that invocation, as JSON {"correlation_id", "replies", "complete"}.
func (s *SOAR) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_soar/replies", func(w http.ResponseWriter, r *http.Request) {
		cid := r.URL.Query().Get("correlation_id")
		if cid == "" {
			http.Error(w, "correlation_id is required", http.StatusBadRequest)
			return
		}
		rs := s.Replies(cid)
		complete := false
		for _, a := range rs {
			complete = complete || a.Complete
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"correlation_id": cid, "replies": rs, "complete": complete})
	})
	return mux
}
