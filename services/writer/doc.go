// Package writer is irisflow's writer service: it consumes write commands
// (notes, data-table rows, artifacts) from the JetStream WRITES stream and
// applies them to Resilient (IBM SOAR) over REST, effectively once.
//
// Effectively once is the write ledger in Postgres (ledger.go): every
// command is begun in the ledger before its POST (apply.go) and marked
// applied with the Resilient object id after it. A command found pending
// from an earlier attempt (a crash between the POST and the ledger update,
// or an ambiguous POST failure such as a 500 after commit) is reconciled
// (reconcile.go) by reading the incident's notes, rows or artifacts before
// anything is written again.
//
// Failures: 5xx, 429 and timeouts are retried with backoff (Retry-After is
// honoured); 401/403 pause the writes of that org until its credentials
// work again (authgate.go); any other 4xx fails the command for good: the
// ledger records it, the message is dead-lettered with the reason, and the
// function that asked for the write gets an error reply (failure.go).
package writer
