package soarsim

import (
	"context"
	"log/slog"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// EnableArtifactRule makes the REST simulator (Config.Sim) behave like a
// Resilient rule "DNS Name artifact created → domaintools": every DNS Name
// artifact created through the REST API (by irisflow's writer, for example)
// is sent to the destination as an ActionDataDTO, before the POST is
// answered. This closes the loop the auto-pivot depth limit exists for.
func (s *SOAR) EnableArtifactRule() {
	if s.cfg.Sim == nil {
		return
	}
	s.cfg.Sim.OnArtifactCreated(func(org, incident int64, a resilient.Artifact) {
		if org != s.cfg.Org || a.Type.ID != resilient.ArtifactDNSName {
			return
		}
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		defer cancel()
		if _, err := s.SendArtifactAction(ctx, incident, Artifact{ID: a.ID, Type: a.Type.ID, Value: a.Value}); err != nil {
			slog.Warn("soarsim: artifact rule could not send the action", "incident", incident, "artifact", a.Value, "err", err)
		}
	})
}

// Sent returns every message dispatched so far (functions and actions,
// including those the artifact rule sent), in order.
func (s *SOAR) Sent() []Invocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invocation(nil), s.sent...)
}

// Unanswered returns the dispatched messages that have no final reply yet.
func (s *SOAR) Unanswered() []Invocation {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Invocation
	for _, inv := range s.sent {
		final := false
		for _, a := range s.replies[inv.CorrelationID] {
			final = final || a.Complete
		}
		if !final {
			out = append(out, inv)
		}
	}
	return out
}
