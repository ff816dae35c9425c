package soarsim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// GET /_soar/replies shows the replies of one correlation-id as they came,
// and whether the final one is in; a request without correlation_id is a 400.
func TestRepliesQueryAPI(t *testing.T) {
	t.Parallel()
	s, _, _ := setup(t, func(string, map[string]any) map[string]any { return map[string]any{"domain": "int-chase.com"} })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inv, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": "int-chase.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Await(ctx, inv.CorrelationID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query string
		status      int
		replies     []string
		complete    bool
	}{
		{"answered", "?correlation_id=" + inv.CorrelationID, http.StatusOK, []string{"working", "Completed"}, true},
		{"unknown", "?correlation_id=invid:999999", http.StatusOK, nil, false},
		{"missing", "", http.StatusBadRequest, nil, false},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + "/_soar/replies" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			CorrelationID string          `json:"correlation_id"`
			Replies       []resilient.Ack `json:"replies"`
			Complete      bool            `json:"complete"`
		}
		if resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
			continue
		}
		if len(got.Replies) != len(tt.replies) || got.Complete != tt.complete {
			t.Errorf("%s: %d replies complete=%v, want %v complete=%v", tt.name, len(got.Replies), got.Complete, tt.replies, tt.complete)
			continue
		}
		for i, a := range got.Replies {
			if a.Message != tt.replies[i] {
				t.Errorf("%s: reply %d %q, want %q", tt.name, i, a.Message, tt.replies[i])
			}
		}
	}
}
