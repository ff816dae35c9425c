package soarsim_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// A DNS Name artifact created over REST comes back to the destination as
// an ActionDataDTO, once; a duplicate POST and an IP artifact do not.
func TestArtifactRule(t *testing.T) {
	t.Parallel()
	s, sim, app := setup(t, func(string, map[string]any) map[string]any { return map[string]any{} })
	s.EnableArtifactRule()
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: srv.URL, Org: 201, APIKeyID: "irisflow-key", APIKeySecret: "irisflow-secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, spec := range []resilient.ArtifactSpec{
		{Type: resilient.ArtifactDNSName, Value: "found-by-pivot.example"},
		{Type: resilient.ArtifactDNSName, Value: "found-by-pivot.example"}, // dedup: not created again
		{Type: 1, Value: "203.0.113.7"},
	} {
		if _, err := c.CreateArtifact(ctx, resilientsim.DemoIncident, spec); err != nil {
			t.Fatal(err)
		}
	}
	// The rule fired before the first POST was answered.
	sent := s.Sent()
	if len(sent) != 1 || sent[0].Payload != resilient.PayloadAction {
		t.Fatalf("want exactly one action sent, got %+v", sent)
	}
	select {
	case m := <-app.frames:
		var body struct {
			Artifact struct {
				Value string `json:"value"`
				Type  struct {
					ID int64 `json:"id"`
				} `json:"type"`
			} `json:"artifact"`
		}
		if err := json.Unmarshal(m.Body, &body); err != nil {
			t.Fatal(err)
		}
		if m.Header.Get("Co3MessagePayload") != "ActionDataDTO" || body.Artifact.Value != "found-by-pivot.example" || body.Artifact.Type.ID != 2 {
			t.Fatalf("action frame %s: %s", m.Header.Get("Co3MessagePayload"), m.Body)
		}
	case <-ctx.Done():
		t.Fatal("the action never reached the destination")
	}
}
