package soarsim

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Handler serves the SOAR side's query API:
//   - GET /_soar/replies?correlation_id=… : the replies received so far for
//     that invocation, as JSON {"correlation_id", "replies", "complete"};
//   - POST /_soar/workflows/run?workflow=profile&incident=4206&artifact=int-chase.com :
//     runs a seed workflow (bounded by 2 minutes) and answers its WorkflowRun.
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
	mux.HandleFunc("POST /_soar/workflows/run", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		incident, err := strconv.ParseInt(q.Get("incident"), 10, 64)
		if err != nil || q.Get("workflow") == "" || q.Get("artifact") == "" {
			http.Error(w, "workflow, incident (a number) and artifact are required", http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		run, err := s.RunWorkflow(ctx, q.Get("workflow"), incident, q.Get("artifact"))
		w.Header().Set("Content-Type", "application/json")
		out := map[string]any{"run": run}
		if err != nil {
			out["error"] = err.Error()
			w.WriteHeader(http.StatusBadGateway)
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	return mux
}
