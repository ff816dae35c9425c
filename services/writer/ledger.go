package writer

import (
	"github.com/irisflow/irisflow/pkg/store"
)

// step is what the write ledger says to do with a command once it is begun.
type step int

const (
	// stepDone: the command was applied before (a redelivery or a repeated
	// command); write nothing, acknowledge.
	stepDone step = iota
	// stepWrite: the command is new; write it.
	stepWrite
	// stepReconcile: an earlier attempt began the command and may have
	// reached Resilient (a crash between the POST and the ledger update, an
	// ambiguous POST failure); look for the object before writing.
	stepReconcile
)

func (s step) String() string {
	return [...]string{"done", "write", "reconcile"}[s]
}

// ledgerStep is the ledger decision: a pure function of the entry that
// LedgerBegin returned and whether it created it.
func ledgerStep(e store.LedgerEntry, created bool) step {
	switch {
	case e.State == store.LedgerApplied:
		return stepDone
	case created:
		return stepWrite
	default:
		// Pending from an earlier attempt, or failed before and begun again
		// (LedgerBegin turns it pending): the object may exist either way.
		return stepReconcile
	}
}
