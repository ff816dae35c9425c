//go:build chaos

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// TestReplyAnomaliesExplained: what make chaos excuses, and only that. A
// final SOAR got twice is explained only when the copies are identical and
// the bridge logged that final as re-sent after a lost RECEIPT; a status
// after the final only when a re-sent copy or sent by another bridge; the
// strict mode explains nothing.
func TestReplyAnomaliesExplained(t *testing.T) {
	dir := t.TempDir()
	b1, b2 := filepath.Join(dir, "bridge-1.log"), filepath.Join(dir, "bridge-2.log")
	write := func(path string, lines ...string) {
		t.Helper()
		var b []byte
		for _, l := range lines {
			b = append(b, l+"\n"...)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(b1,
		`{"msg":"reply connection lost before the RECEIPT; sending again on the next one","correlation_id":"resent","final":true}`,
		`{"msg":"reply connection lost before the RECEIPT; sending again on the next one","correlation_id":"changed","final":true}`,
		`{"msg":"reply sent","correlation_id":"apart","final":false}`,
		`{"msg":"reply sent","correlation_id":"together","final":false}`,
		`{"msg":"reply sent","correlation_id":"together","final":true}`)
	write(b2, `{"msg":"reply sent","correlation_id":"apart","final":true}`,
		`{"msg":"sending a final reply whose claim by another bridge lapsed; it may have sent it","correlation_id":"taken","final":true}`)
	br, err := readBridgeLogs(map[string]string{"bridge-1": b1, "bridge-2": b2, "writer-1": filepath.Join(dir, "absent.log")})
	if err != nil {
		t.Fatal(err)
	}
	tl := newReplyTimeline()
	tl.begin(time.Now())
	done := resilient.Ack{Message: "Completed", Complete: true}
	status := resilient.Ack{Message: "irisflow: profiling example.com"}
	for _, r := range []struct {
		cid    string
		sender int
		ack    resilient.Ack
	}{
		{"resent", 0, done}, {"resent", 1, done}, // identical, logged: explained
		{"taken", 0, done}, {"taken", 0, done}, // identical, sent after a killed bridge's claim lapsed: explained
		{"changed", 0, done}, {"changed", 0, resilient.Ack{Message: "irisflow: failed", Complete: true, MessageType: resilient.MessageError}},
		{"unlogged", 0, done}, {"unlogged", 0, done}, // identical, not logged as re-sent
		{"apart", 0, done}, {"apart", 0, status}, // status after final, two bridges
		{"together", 0, done}, {"together", 0, status}, // one bridge: its order should hold
		{"fine", 0, status}, {"fine", 0, done},
	} {
		tl.record(r.sender, r.cid, r.ack)
	}
	a := tl.anomalies(br, false)
	if a.resentFinals != 2 || a.resentLate != 0 || a.apartLate != 1 {
		t.Errorf("explained: %d re-sent finals, %d re-sent late, %d apart; want 2, 0, 1", a.resentFinals, a.resentLate, a.apartLate)
	}
	if len(a.explained) != 3 || len(a.unexplained) != 3 {
		t.Errorf("explained %q, unexplained %q; want 3 (resent, taken, apart) and 3 (changed, together, unlogged)", a.explained, a.unexplained)
	}
	if s := tl.anomalies(br, true); s.resentFinals+s.resentLate+s.apartLate != 0 || len(s.unexplained) != 6 {
		t.Errorf("strict: %+v; want nothing explained, 6 unexplained", s)
	}
}
