package writer

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// TestWriterTwoReplicasOneWrite: a command redelivered to a second writer
// while the first is between its ledger begin and its POST (what a
// nats-server crash does to the messages in flight) is written once. Without
// the ledger claim the second writer reconciled the pending entry, found
// nothing, and posted; then the first posted too (make chaos, finding 2 of
// docs/reliability.md).
func TestWriterTwoReplicasOneWrite(t *testing.T) {
	t.Parallel()
	e := setup(t, resilientsim.Config{})
	cmd := noteCmd("claim-n", "irisflow pivot on ip 104.21.200.14")
	before := e.objects(cmd.Kind)

	// Writer a stops right before its POST until the test lets it go.
	atPost, letGo := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	cfgA := e.config()
	cfgA.ClaimLease = 3 * time.Second // renewed while a waits: the claim must outlive it
	cfgA.beforePost = func(*flow.WriteCommand) error {
		if first.CompareAndSwap(false, true) {
			close(atPost)
			<-letGo
		}
		return nil
	}
	e.start(t, cfgA)
	release := sync.OnceFunc(func() { close(letGo) })
	t.Cleanup(release) // before the writer's stop (cleanups run last first)
	e.publish(t, cmd)
	select {
	case <-atPost:
	case <-time.After(wait):
		t.Fatal("writer a never reached its POST")
	}
	heldSince := time.Now()

	// Writer b gets copies of the command (as a redelivery beyond the dedup
	// window would arrive; a copy may reach a instead, and wait there).
	logsB := &testenv.LogBuffer{}
	cfgB := e.config()
	cfgB.Logger = logsB.Logger()
	cfgB.ClaimLease = 3 * time.Second
	cfgB.beforePost = func(*flow.WriteCommand) error { return errors.New("writer b posted a command writer a holds") }
	e.start(t, cfgB)
	// a keeps renewing its claim: b is refused still once a's first lease
	// would have ended.
	refusals := func() int { return strings.Count(logsB.String(), "claimed by another writer") }
	lateAfter := heldSince.Add(2 * cfgA.ClaimLease)
	for i := 0; ; i++ {
		if i == 40 {
			t.Fatalf("no copy reached writer b after a's first lease in 40:\n%s", logsB)
		}
		n := refusals()
		e.republish(t, cmd, fmt.Sprintf("copy-%d", i))
		if testenv.Within(2*time.Second, func() bool { return refusals() > n }) && time.Now().After(lateAfter) {
			break
		}
	}
	le := e.ledger(t, cmd.ID)
	if le.State != store.LedgerPending || le.Attempts != 1 {
		t.Fatalf("while a holds the command the ledger says %s, attempts %d: want pending, begun once", le.State, le.Attempts)
	}
	release()

	testenv.Eventually(t, "command applied and every copy settled", func() bool {
		return e.applied(cmd.ID) && e.drained(t)
	})
	if got := e.objects(cmd.Kind); got != before+1 {
		t.Fatalf("%d notes, want %d: written once", got, before+1)
	}
	if n := logsB.Count("writer b posted"); n != 0 {
		t.Fatalf("writer b posted:\n%s", logsB)
	}
}
