//go:build chaos

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// replyTimeline records when each reply reached which SOAR simulator, to
// show, for an invocation answered twice, when it happened (beside the
// fault table).
type replyTimeline struct {
	start time.Time
	mu    sync.Mutex
	by    map[string][]replyAt
}

type replyAt struct {
	at       time.Duration
	sender   int
	complete bool
	kind     resilient.MessageType
	message  string
}

func newReplyTimeline() *replyTimeline { return &replyTimeline{by: map[string][]replyAt{}} }

// record is the bench's onReply hook.
func (r *replyTimeline) record(k int, cid string, a resilient.Ack) {
	msg := a.Message
	if len(msg) > 70 {
		msg = msg[:70] + "…"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.IsZero() {
		return // before the load
	}
	r.by[cid] = append(r.by[cid], replyAt{at: time.Since(r.start), sender: k, complete: a.Complete, kind: a.MessageType, message: msg})
}

func (r *replyTimeline) begin(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.start = at
}

// bridgeRecord is what the bridges' logs (JSON lines) say about the
// replies they sent, per correlation id and final (true) or status.
type bridgeRecord struct {
	// resent: sent again on a new connection because the one it was
	// written to died before its RECEIPT. The broker may have taken the
	// first SEND, so SOAR may see that reply twice (docs/bridge.md, "The
	// one re-send case").
	resent map[string]map[bool]bool
	// tookOver: finals a bridge sent after the claim of another bridge
	// lapsed (that bridge was killed between its claim and storing the
	// final: it may have sent it; docs/reliability.md, window 3).
	tookOver map[string]bool
	// sentBy: the bridge processes (by name) that sent it. With several
	// bridges an invocation's status and final may go out through
	// different ones, in either order (docs/bridge.md, "Pipelined").
	sentBy map[string]map[bool]map[string]bool
}

const (
	resendLine   = "reply connection lost before the RECEIPT; sending again"
	sentLine     = `"msg":"reply sent"`
	takeOverLine = "sending a final reply whose claim by another bridge lapsed"
)

func readBridgeLogs(logs map[string]string) (bridgeRecord, error) {
	r := bridgeRecord{resent: map[string]map[bool]bool{}, tookOver: map[string]bool{}, sentBy: map[string]map[bool]map[string]bool{}}
	for name, path := range logs {
		if !strings.HasPrefix(name, "bridge") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return r, err
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			resent, sent := bytes.Contains(line, []byte(resendLine)), bytes.Contains(line, []byte(sentLine))
			tookOver := bytes.Contains(line, []byte(takeOverLine))
			if !resent && !sent && !tookOver {
				continue
			}
			var l struct {
				CorrelationID string `json:"correlation_id"`
				Final         bool   `json:"final"`
			}
			if json.Unmarshal(line, &l) != nil || l.CorrelationID == "" {
				continue
			}
			if tookOver {
				r.tookOver[l.CorrelationID] = true
				continue
			}
			if resent {
				if r.resent[l.CorrelationID] == nil {
					r.resent[l.CorrelationID] = map[bool]bool{}
				}
				r.resent[l.CorrelationID][l.Final] = true
				continue
			}
			if r.sentBy[l.CorrelationID] == nil {
				r.sentBy[l.CorrelationID] = map[bool]map[string]bool{}
			}
			if r.sentBy[l.CorrelationID][l.Final] == nil {
				r.sentBy[l.CorrelationID][l.Final] = map[string]bool{}
			}
			r.sentBy[l.CorrelationID][l.Final][name] = true
		}
	}
	return r, nil
}

// apart reports whether cid's status and final went out through
// different bridges only.
func (r bridgeRecord) apart(cid string) bool {
	status, final := r.sentBy[cid][false], r.sentBy[cid][true]
	if len(status) == 0 || len(final) == 0 {
		return false
	}
	for name := range status {
		if final[name] {
			return false
		}
	}
	return true
}

// replyAnomalies are the invocations answered twice, or with a status
// after the final reply, as SOAR saw them, counted as the bench's tally
// counts them (per SOAR simulator for the order). Explained are: a repeat
// identical to a reply SOAR already had that the bridge logged as sent
// again after its connection died before the RECEIPT; a status after the
// final when the two went out through different bridges; a repeated final
// that a bridge logged as sent after another bridge's claim lapsed (that
// bridge was killed between its SEND and storing the final). Any other is
// unexplained.
type replyAnomalies struct {
	resentFinals, resentLate, apartLate int
	explained, unexplained              []string // described, with their replies in arrival order
}

func (r *replyTimeline) anomalies(br bridgeRecord, strict bool) replyAnomalies {
	r.mu.Lock()
	defer r.mu.Unlock()
	var a replyAnomalies
	for _, cid := range sortedKeys(r.by) {
		replies := r.by[cid]
		var firstFinal *replyAt
		seen := map[replyAt]bool{} // content of replies already received (at and sender cleared)
		finalIn := map[int]bool{}  // sender → has a final
		dupFinals, late, unexplained := 0, 0, false
		for i := range replies {
			x := replies[i]
			key := x
			key.at, key.sender = 0, 0
			repeat := seen[key] && (br.resent[cid][x.complete] || x.complete && br.tookOver[cid]) && !strict
			switch {
			case x.complete && firstFinal == nil:
				firstFinal = &replies[i]
			case x.complete:
				dupFinals++
				if repeat {
					a.resentFinals++
				} else {
					unexplained = true
				}
			case finalIn[x.sender]:
				late++
				switch {
				case repeat:
					a.resentLate++
				case !strict && br.apart(cid):
					a.apartLate++
				default:
					unexplained = true
				}
			}
			if x.complete {
				finalIn[x.sender] = true
			}
			seen[key] = true
		}
		if dupFinals == 0 && late == 0 {
			continue
		}
		var parts []string
		for _, x := range replies {
			what := "status"
			if x.complete {
				what = "FINAL"
			}
			parts = append(parts, fmt.Sprintf("%.1fs %s (type %d, soar %d) %q", x.at.Seconds(), what, x.kind, x.sender, x.message))
		}
		line := cid + ": " + strings.Join(parts, "; ")
		if unexplained {
			a.unexplained = append(a.unexplained, line)
		} else {
			a.explained = append(a.explained, line)
		}
	}
	return a
}
