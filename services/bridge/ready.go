package bridge

import (
	"sync"

	"github.com/irisflow/irisflow/pkg/obs"
)

// ReadinessComponent is the bridge's name in /readyz.
const ReadinessComponent = "bridge"

// readiness reports the bridge ready when its frames' connection is up
// and subscribed to every destination and its reply connection is up;
// otherwise not ready, with the reason of each part that is down.
type readiness struct {
	r               *obs.Readiness
	mu              sync.Mutex
	frames, replies string // why the part is down; "" when up
}

func newReadiness(r *obs.Readiness) *readiness {
	s := &readiness{r: r, frames: "connecting to the broker", replies: "reply connection: connecting to the broker"}
	s.publishLocked()
	return s
}

// setFrames records the frames' connection: down with a reason, or up ("").
func (s *readiness) setFrames(reason string) { s.set(&s.frames, reason) }

// setReplies records the reply connection: down with a reason, or up ("").
func (s *readiness) setReplies(reason string) {
	if reason != "" {
		reason = "reply connection: " + reason
	}
	s.set(&s.replies, reason)
}

func (s *readiness) set(part *string, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*part = reason
	s.publishLocked()
}

func (s *readiness) publishLocked() {
	switch {
	case s.frames == "" && s.replies == "":
		s.r.Set(ReadinessComponent, true, "")
	case s.frames != "" && s.replies != "":
		s.r.Set(ReadinessComponent, false, s.frames+"; "+s.replies)
	default:
		s.r.Set(ReadinessComponent, false, s.frames+s.replies)
	}
}
