package writer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

const wait = 30 * time.Second

var rowCells = map[string]any{
	"domain_name":        "int-chase.com",
	"overall_risk_score": 99,
	"ip_country_code":    "US",
	"domain_registrar":   "NameCheap, Inc.",
}

// TestWriterApplies: each kind lands in Resilient with the right content,
// and the same command again (a redelivery beyond the stream's dedup
// window) writes nothing new.
func TestWriterApplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cmd   *flow.WriteCommand
		check func(t *testing.T, e *env, objectID int64)
	}{
		{"note", noteCmd("n-1", "<p>Performed DomainTools Iris profile of int-chase.com</p>"), func(t *testing.T, e *env, id int64) {
			notes := e.sim.Notes(org, incident)
			if len(notes) != 1 {
				t.Fatalf("%d notes, want 1", len(notes))
			}
			n := notes[0]
			if n.ID != id || n.Text.Format != "html" || n.Text.Content != "<p>Performed DomainTools Iris profile of int-chase.com</p>" {
				t.Errorf("note %+v, want id %d with the command's html content", n, id)
			}
		}},
		{"row", rowCmd("r-1", rowCells), func(t *testing.T, e *env, id int64) {
			rows := e.sim.Rows(org, incident, resilient.ResultsTable)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			if rows[0].ID != id || !rowEquals(rows[0], rowCells) {
				t.Errorf("row %+v, want id %d with cells %v", rows[0], id, rowCells)
			}
		}},
		{"artifact", artifactCmd("a-1", "new-infra.example"), func(t *testing.T, e *env, id int64) {
			arts := e.sim.Artifacts(org, incident)
			if len(arts) != 5 {
				t.Fatalf("%d artifacts, want the 4 preloaded + 1", len(arts))
			}
			a := arts[4]
			if a.ID != id || a.Value != "new-infra.example" || a.Type.ID != resilient.ArtifactDNSName || a.Description.Content != "found by an Iris pivot" {
				t.Errorf("artifact %+v, want id %d DNS Name new-infra.example", a, id)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, resilientsim.Config{})
			before := e.objects(tt.cmd.Kind)
			e.start(t, e.config())
			e.publish(t, tt.cmd)
			testenv.Eventually(t, "command applied", func() bool { return e.applied(tt.cmd.ID) })
			le := e.ledger(t, tt.cmd.ID)
			tt.check(t, e, *le.ObjectID)
			if tt.cmd.ContextToken != "" {
				if got := e.sim.LastContextToken(); got != tt.cmd.ContextToken {
					t.Errorf("X-Co3ContextToken %q, want %q", got, tt.cmd.ContextToken)
				}
			}
			if strings.Contains(e.logs.String(), "ctx-token-") {
				t.Error("the context token was logged")
			}

			// Redelivered beyond the dedup window, twice.
			e.republish(t, tt.cmd, tt.cmd.ID+"#again-1")
			e.republish(t, tt.cmd, tt.cmd.ID+"#again-2")
			testenv.Eventually(t, "copies consumed", func() bool {
				return e.drained(t) && e.ledger(t, tt.cmd.ID).Attempts == 3
			})
			if got := e.objects(tt.cmd.Kind); got != before+1 {
				t.Errorf("%d objects after redelivery, want %d", got, before+1)
			}
			if le2 := e.ledger(t, tt.cmd.ID); *le2.ObjectID != *le.ObjectID {
				t.Errorf("ledger object changed from %d to %d", *le.ObjectID, *le2.ObjectID)
			}
			if dl := e.deadLetters(t); len(dl) != 0 {
				t.Errorf("dead letters: %+v", dl)
			}
		})
	}
}

// TestWriterCrashBetweenPostAndLedger kills a writer right after its POST
// succeeded and before the ledger update; a fresh writer on the same
// database and stream finds the object and writes nothing again.
func TestWriterCrashBetweenPostAndLedger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cmd  *flow.WriteCommand
	}{
		{"note", noteCmd("crash-n", "Added int-chase.com to DomainTools Table")},
		{"row", rowCmd("crash-r", rowCells)},
		{"artifact", artifactCmd("crash-a", "pivot-found.example")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, resilientsim.Config{})
			before := e.objects(tt.cmd.Kind)

			var posted atomic.Int64
			var stop1 func()
			crashed := make(chan struct{})
			cfg := e.config()
			cfg.afterPost = func(cmd *flow.WriteCommand, id int64) error {
				posted.Store(id)
				close(crashed)
				return errors.New("simulated crash between the POST and the ledger update")
			}
			stop1 = e.start(t, cfg)
			e.publish(t, tt.cmd)
			select {
			case <-crashed:
			case <-time.After(wait):
				t.Fatal("first writer never posted")
			}
			stop1()

			le := e.ledger(t, tt.cmd.ID)
			if le.State != store.LedgerPending || le.ObjectID != nil {
				t.Fatalf("after the crash the ledger says %s/%v, want pending without object", le.State, le.ObjectID)
			}
			if got := e.objects(tt.cmd.Kind); got != before+1 {
				t.Fatalf("%d objects after the crash, want %d", got, before+1)
			}

			e.start(t, e.config())
			testenv.Eventually(t, "command reconciled", func() bool {
				return e.applied(tt.cmd.ID) && e.drained(t)
			})
			le = e.ledger(t, tt.cmd.ID)
			if *le.ObjectID != posted.Load() {
				t.Errorf("ledger object %d, want the one posted before the crash (%d)", *le.ObjectID, posted.Load())
			}
			if got := e.objects(tt.cmd.Kind); got != before+1 {
				t.Errorf("%d objects after recovery, want %d (no duplicate)", got, before+1)
			}
			if e.logs.Count("found in resilient from an earlier attempt") != 1 {
				t.Errorf("recovery did not reconcile:\n%s", e.logs)
			}
		})
	}
}

// TestWriterFailures: ambiguous and refused POSTs are retried without
// duplicating anything.
func TestWriterFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inject func(s *resilientsim.Sim)
	}{
		{"500 after commit", func(s *resilientsim.Sim) { s.Fail5xxAfterCommit(1) }},
		{"500 before commit", func(s *resilientsim.Sim) { s.FailNext(2, http.StatusInternalServerError) }},
		{"503", func(s *resilientsim.Sim) { s.FailNext(2, http.StatusServiceUnavailable) }},
		{"429 with Retry-After", func(s *resilientsim.Sim) { s.FailNext(3, http.StatusTooManyRequests) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, resilientsim.Config{})
			tt.inject(e.sim)
			cmd := noteCmd("f-1", "Domain risk score of int-chase.com is 99")
			e.start(t, e.config())
			e.publish(t, cmd)
			testenv.Eventually(t, "command applied", func() bool {
				return e.applied(cmd.ID) && e.drained(t)
			})
			notes := e.sim.Notes(org, incident)
			if len(notes) != 1 {
				t.Fatalf("%d notes, want exactly 1", len(notes))
			}
			if le := e.ledger(t, cmd.ID); *le.ObjectID != notes[0].ID || le.Attempts < 2 {
				t.Errorf("ledger %+v, want object %d after a retry", le, notes[0].ID)
			}
			if dl := e.deadLetters(t); len(dl) != 0 {
				t.Errorf("dead letters: %+v", dl)
			}
		})
	}
}

// brokenCredentials sends a wrong API key secret while broken is set, as a
// revoked key would: the simulator really rejects it.
type brokenCredentials struct {
	broken atomic.Bool
	next   http.RoundTripper
}

func (b *brokenCredentials) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.broken.Load() {
		r = r.Clone(r.Context())
		id, _, _ := r.BasicAuth()
		r.SetBasicAuth(id, "revoked")
	}
	return b.next.RoundTrip(r)
}

// revokeCredentials has the clients of e.config() send a revoked API key
// secret until the returned transport's broken is cleared.
func (e *env) revokeCredentials() *brokenCredentials {
	creds := &brokenCredentials{next: e.transport}
	creds.broken.Store(true)
	e.transport = creds
	return creds
}

// TestWriterPausesOnAuthFailure: a 401 pauses the writes (not failed, not
// dead-lettered), says so once and in the readiness, and they resume when
// the credentials work again.
func TestWriterPausesOnAuthFailure(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	creds := e.revokeCredentials()
	e.start(t, e.config())
	e.publish(t, noteCmd("auth-1", "first note"))
	e.publish(t, noteCmd("auth-2", "second note"))

	testenv.Eventually(t, "readiness false", func() bool { return len(e.ready.NotReady()) == 1 })
	_, st := e.ready.Ready()
	if reason := st[ReadinessComponent].Reason; !strings.Contains(reason, "org 201 (HTTP 401)") {
		t.Errorf("readiness reason %q", reason)
	}
	// Let the probes fail a few times while paused.
	testenv.Eventually(t, "probes", func() bool {
		return e.sim.RequestCounts()["GET /rest/orgs/{org}/incidents/{inc}"] >= 3
	})
	if n := len(e.sim.Notes(org, incident)); n != 0 {
		t.Fatalf("%d notes written with revoked credentials", n)
	}
	if dl := e.deadLetters(t); len(dl) != 0 {
		t.Fatalf("paused writes were dead-lettered: %+v", dl)
	}
	for _, id := range []string{"auth-1", "auth-2"} {
		if le, err := e.store.LedgerLookup(context.Background(), id); err == nil && le.State == store.LedgerFailed {
			t.Errorf("command %s marked failed while paused", id)
		}
	}

	creds.broken.Store(false)
	testenv.Eventually(t, "writes resumed", func() bool {
		return len(e.sim.Notes(org, incident)) == 2 && e.drained(t)
	})
	if nr := e.ready.NotReady(); len(nr) != 0 {
		t.Errorf("not ready after resuming: %v", nr)
	}
	const paused = "resilient rejected the writer's credentials for org 201 (HTTP 401); writes paused until they work"
	if n := e.logs.Count(paused); n != 1 {
		t.Errorf("%d %q lines, want exactly 1:\n%s", n, paused, e.logs)
	}
	if n := e.logs.Count("writes resumed"); n != 1 {
		t.Errorf("%d resume lines, want 1", n)
	}
}

// TestWriterStopsWhilePaused: shutting down while writes are paused gives
// the message back (it stays in WRITES, not failed, not dead-lettered).
func TestWriterStopsWhilePaused(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	e.revokeCredentials()
	stop := e.start(t, e.config())
	e.publish(t, noteCmd("stop-1", "never written"))
	testenv.Eventually(t, "paused", func() bool { return len(e.ready.NotReady()) == 1 })
	stop() // fails the test if Run does not return within 30s
	if e.drained(t) {
		t.Error("the paused command left WRITES")
	}
	if dl := e.deadLetters(t); len(dl) != 0 {
		t.Errorf("dead letters: %+v", dl)
	}
	if le := e.ledger(t, "stop-1"); le.State != store.LedgerPending {
		t.Errorf("ledger state %s, want pending", le.State)
	}
}

// TestWriterDeadLetters: a command Resilient refuses for good (unknown
// column) or a bad envelope is dead-lettered with the reason, the waiting
// invocation gets the failure as its final reply (instead of the one its
// writes held), and the next command is still applied.
func TestWriterDeadLetters(t *testing.T) {
	t.Parallel()
	e := running(t)
	bad := refusedRowCmd("bad-row")
	bad.Reply = replyRoute("corr-1")
	bad.Final = &flow.Final{Seq: 1, Message: resilient.ActionAck("irisflow: done"), Writes: []string{bad.ID}}
	e.publish(t, bad)
	e.republish(t, bad, "bad-row-again") // fails again: same ledger entry, same reply id
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.js.Publish(ctx, flow.WriteSubject(org, incident, flow.WriteNote), []byte(`{"version":1,"id":"x"`)); err != nil {
		t.Fatal(err)
	}
	good := noteCmd("after-bad", "still working")
	e.publish(t, good)

	testenv.Eventually(t, "all handled", func() bool {
		return e.drained(t) && len(e.deadLetters(t)) == 3
	})
	if n := len(e.sim.Notes(org, incident)); n != 1 {
		t.Errorf("%d notes, want the good one", n)
	}
	var column, envelope int
	for _, dl := range e.deadLetters(t) {
		switch {
		case strings.Contains(dl.Reason, `"no_such_column" is not a field of data table`):
			column++
			if dl.Service != "writer" || dl.Source != flow.StreamWrites {
				t.Errorf("dead letter %+v", dl)
			}
		case strings.Contains(dl.Reason, "bad envelope"):
			envelope++
		default:
			t.Errorf("unexpected dead letter reason %q", dl.Reason)
		}
	}
	if column != 2 || envelope != 1 {
		t.Errorf("dead letters: %d for the column, %d for the envelope; want 2 and 1", column, envelope)
	}
	if le := e.ledger(t, bad.ID); le.State != store.LedgerFailed || !strings.Contains(le.LastError, "no_such_column") {
		t.Errorf("ledger %+v, want failed with the reason", le)
	}
	replies := e.replies(t)
	if len(replies) != 1 {
		t.Fatalf("%d replies, want 1 (same reply id for both failures): %+v", len(replies), replies)
	}
	r := replies[0]
	if r.ID != flow.ReplyID(bad.InvocationID, 1) || r.ReplyTo != "acks.201.domaintools" || r.CorrelationID != "corr-1" || !r.Final {
		t.Errorf("reply %+v", r)
	}
	ack, err := resilient.DecodeReply(r.Message)
	if err != nil {
		t.Fatal(err)
	}
	if ack.MessageType != resilient.MessageError || !ack.Complete || !strings.Contains(ack.Message, "no_such_column") {
		t.Errorf("reply message %+v", ack)
	}
}

// TestWriterUnknownOrg: an org without a client is dead-lettered, not retried.
func TestWriterUnknownOrg(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	cfg := e.config()
	cfg.Clients = func(o int64) (*resilient.Client, error) { return nil, fmt.Errorf("org %d is not configured", o) }
	e.start(t, cfg)
	cmd := noteCmd("other-org", "hello")
	cmd.Org = 999
	e.publish(t, cmd)
	testenv.Eventually(t, "dead letter", func() bool { return len(e.deadLetters(t)) == 1 })
	if dl := e.deadLetters(t)[0]; !strings.Contains(dl.Reason, "org 999 is not configured") {
		t.Errorf("reason %q", dl.Reason)
	}
}

// The writer's consumer deleted under a running writer: Run fails (the
// process exits non-zero and is restarted) instead of returning nil while
// the process stays up and ready, writing nothing; readiness is false.
func TestWriterConsumerDeletedFailsRun(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, e.config()) }()
	e.publish(t, noteCmd("before-delete", "a note"))
	testenv.Eventually(t, "the first note applied", func() bool { return e.applied("before-delete") })
	if ok, _ := e.ready.Ready(); !ok {
		t.Fatalf("writer not ready while consuming: %v", e.ready.NotReady())
	}
	if err := e.js.DeleteConsumer(ctx, flow.StreamWrites, flow.ConsumerWriter); err != nil {
		t.Fatal(err)
	}
	testenv.Returns(t, done, flow.ErrConsumeStopped, "the writer, its consumer deleted,")
	if ok, _ := e.ready.Ready(); ok {
		t.Fatal("writer still ready after it stopped consuming")
	}
}

// heldFinal gives cmds the final reply of their invocation, held until
// every one of them has settled.
func heldFinal(message []byte, cmds ...*flow.WriteCommand) {
	f := &flow.Final{Seq: 1, Message: message}
	for _, c := range cmds {
		f.Writes = append(f.Writes, c.ID)
	}
	for _, c := range cmds {
		c.InvocationID = "inv-held"
		c.Reply = replyRoute("corr-held")
		c.Final = f
	}
}

// An answer with writes is final only once its writes have landed: the
// final reply the commands hold is sent once, after the last of them.
func TestWriterSendsHeldFinalAfterEveryWrite(t *testing.T) {
	t.Parallel()
	e := running(t)
	note, row, art := noteCmd("held-note", "a note"), rowCmd("held-row", rowCells), artifactCmd("held-artifact", "held.example.com")
	heldFinal(resilient.ActionAck("irisflow: done"), note, row, art)
	e.publish(t, note)
	e.publish(t, row)
	testenv.Eventually(t, "two writes applied", func() bool { return e.applied(note.ID) && e.applied(row.ID) })
	if rs := e.replies(t); len(rs) != 0 {
		t.Fatalf("a reply before the last write landed: %+v", rs)
	}
	e.publish(t, art)
	testenv.Eventually(t, "the final reply", func() bool { return len(e.replies(t)) > 0 })
	testenv.Eventually(t, "all drained", func() bool { return e.drained(t) })
	rs := e.replies(t)
	if len(rs) != 1 || rs[0].ID != flow.ReplyID("inv-held", 1) || !rs[0].Final {
		t.Fatalf("replies %+v, want the held final once", rs)
	}
	if a, err := resilient.DecodeReply(rs[0].Message); err != nil || a.Message != "irisflow: done" || a.MessageType != resilient.MessageInfo {
		t.Errorf("final %+v (%v)", a, err)
	}
}

// A write that fails for good after its siblings landed does not add a
// second final reply behind the invocation's answer: the failure is the one
// final reply.
func TestWriterFailureIsTheOnlyFinal(t *testing.T) {
	t.Parallel()
	e := running(t)
	note := noteCmd("fail-note", "a note")
	bad := refusedRowCmd("fail-row")
	heldFinal(resilient.ActionAck("irisflow: profiled int-chase.com"), note, bad)
	e.publish(t, note)
	testenv.Eventually(t, "the note applied", func() bool { return e.applied(note.ID) })
	e.publish(t, bad)
	testenv.Eventually(t, "the row dead-lettered", func() bool { return e.drained(t) && len(e.deadLetters(t)) == 1 })
	testenv.Eventually(t, "the final reply", func() bool { return len(e.replies(t)) > 0 })
	rs := e.replies(t)
	if len(rs) != 1 || !rs[0].Final || rs[0].ID != flow.ReplyID("inv-held", 1) {
		t.Fatalf("replies %+v, want one final", rs)
	}
	a, err := resilient.DecodeReply(rs[0].Message)
	if err != nil || a.MessageType != resilient.MessageError || !strings.Contains(a.Message, "no_such_column") {
		t.Errorf("final %+v (%v), want the row's failure", a, err)
	}
}

// A write of follow-up work (an auto-pivot the playbook started: a reply
// route, no final of its own) that fails for good reaches SOAR as an error
// notice that does not end the invocation.
func TestWriterFollowUpFailureIsANotice(t *testing.T) {
	t.Parallel()
	e := running(t)
	bad := refusedRowCmd("follow-row")
	bad.Reply = replyRoute("corr-follow")
	e.publish(t, bad)
	testenv.Eventually(t, "the error notice", func() bool { return len(e.replies(t)) > 0 })
	rs := e.replies(t)
	if len(rs) != 1 || rs[0].Final {
		t.Fatalf("replies %+v, want one non-final notice", rs)
	}
	if a, err := resilient.DecodeReply(rs[0].Message); err != nil || a.MessageType != resilient.MessageError || a.Complete {
		t.Errorf("notice %+v (%v)", a, err)
	}
}
