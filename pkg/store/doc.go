// Package store is irisflow's PostgreSQL layer: the Iris profile cache and
// history, pivot history and graph, the write ledger, and the Iris quota
// shared by every replica.
//
// SQL lives in one file per concern (profiles.go, pivots.go, ledger.go,
// quota.go); migrations are applied by Migrate from the embedded, numbered
// files of module migrations. Times that matter to more than one replica
// (fetched_at, pending_since, the quota clock) come from the database clock,
// never from the caller's.
package store
