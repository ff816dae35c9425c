package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Ledger states.
const (
	LedgerPending = "pending" // begun; whether Resilient got it is unknown
	LedgerApplied = "applied" // Resilient accepted it; ObjectID is its id
	LedgerFailed  = "failed"  // given up; LastError says why
)

// ErrAlreadyApplied is returned when a command already applied would be
// marked applied with another object id, or failed.
var ErrAlreadyApplied = errors.New("store: write already applied")

// LedgerEntry is the write ledger's record of one write command.
type LedgerEntry struct {
	// CommandID is the deterministic id of the write command.
	CommandID string
	// Org and Incident are the Resilient ids written to.
	Org, Incident int64
	// Kind is what is written (note, row, artifact).
	Kind string
	// State is LedgerPending, LedgerApplied or LedgerFailed.
	State string
	// ObjectID is the Resilient object created, once applied.
	ObjectID *int64
	// Attempts counts LedgerBegin calls for the command.
	Attempts int
	// PendingSince is when the command (last) became pending, by the database clock.
	PendingSince time.Time
	// AppliedAt is when it was applied.
	AppliedAt *time.Time
	// LastError is the reason of the last failure, "" when none.
	LastError string
}

const ledgerColumns = `command_id, org, incident, kind, state, object_id, attempts, pending_since, applied_at, last_error`

func scanLedger(row pgx.Row, extra ...any) (LedgerEntry, error) {
	var e LedgerEntry
	dest := append([]any{&e.CommandID, &e.Org, &e.Incident, &e.Kind, &e.State, &e.ObjectID,
		&e.Attempts, &e.PendingSince, &e.AppliedAt, &e.LastError}, extra...)
	return e, row.Scan(dest...)
}

// LedgerBegin records that a writer is about to perform command id, in one
// statement: a new command is inserted pending (created true); an existing
// one is returned with Attempts incremented (created false). The caller
// branches on the returned state: applied → do not write again, reuse
// ObjectID; pending with Attempts > 1 → an earlier attempt may have reached
// Resilient, look before writing. A failed command begun again becomes
// pending again (a manual retry).
func (s *Store) LedgerBegin(ctx context.Context, id string, org, incident int64, kind string) (LedgerEntry, bool, error) {
	if id == "" {
		return LedgerEntry{}, false, fmt.Errorf("store: ledger begin: %w: empty command id", ErrInvalid)
	}
	var created bool
	e, err := scanLedger(s.pool.QueryRow(ctx, `
		INSERT INTO write_ledger AS l (command_id, org, incident, kind)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (command_id) DO UPDATE SET
			attempts      = l.attempts + 1,
			state         = CASE WHEN l.state = 'failed' THEN 'pending' ELSE l.state END,
			pending_since = CASE WHEN l.state = 'failed' THEN now() ELSE l.pending_since END
		RETURNING `+ledgerColumns+`, (xmax = 0)`, id, org, incident, kind), &created)
	if err != nil {
		return LedgerEntry{}, false, fmt.Errorf("store: ledger begin %s: %w", id, err)
	}
	return e, created, nil
}

// LedgerApplied marks command id applied with the Resilient object it
// created. Marking it again with the same object id is a no-op; with
// another, ErrAlreadyApplied. ErrNotFound when the command was never begun.
func (s *Store) LedgerApplied(ctx context.Context, id string, objectID int64) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET
			state      = 'applied',
			object_id  = $2,
			applied_at = now(),
			last_error = ''
		WHERE command_id = $1 AND state <> 'applied'`, id, objectID)
	if err != nil {
		return fmt.Errorf("store: ledger applied %s: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	// Nothing updated: unknown, or applied already.
	e, err := s.LedgerLookup(ctx, id)
	if err != nil {
		return fmt.Errorf("store: ledger applied: %w", err)
	}
	if e.ObjectID != nil && *e.ObjectID == objectID {
		return nil
	}
	return fmt.Errorf("store: ledger applied %s: object %d: %w", id, objectID, ErrAlreadyApplied)
}

// LedgerFailed marks command id failed for good with reason. It never
// overrides an applied command (ErrAlreadyApplied); ErrNotFound when the
// command was never begun.
func (s *Store) LedgerFailed(ctx context.Context, id, reason string) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET state = 'failed', last_error = $2
		WHERE command_id = $1 AND state <> 'applied'`, id, reason)
	if err != nil {
		return fmt.Errorf("store: ledger failed %s: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := s.LedgerLookup(ctx, id); err != nil {
		return fmt.Errorf("store: ledger failed: %w", err)
	}
	return fmt.Errorf("store: ledger failed %s: %w", id, ErrAlreadyApplied)
}

// LedgerLookup returns the ledger entry of command id, or ErrNotFound.
func (s *Store) LedgerLookup(ctx context.Context, id string) (LedgerEntry, error) {
	e, err := scanLedger(s.pool.QueryRow(ctx, `SELECT `+ledgerColumns+` FROM write_ledger WHERE command_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return LedgerEntry{}, fmt.Errorf("store: ledger lookup %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return LedgerEntry{}, fmt.Errorf("store: ledger lookup %s: %w", id, err)
	}
	return e, nil
}

// LedgerLookupMany returns the ledger entries of the commands ids that
// were begun, by command id (a command never begun is absent).
func (s *Store) LedgerLookupMany(ctx context.Context, ids []string) (map[string]LedgerEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ledgerColumns+` FROM write_ledger WHERE command_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: ledger lookup %d commands: %w", len(ids), err)
	}
	defer rows.Close()
	out := make(map[string]LedgerEntry, len(ids))
	for rows.Next() {
		e, err := scanLedger(rows)
		if err != nil {
			return nil, fmt.Errorf("store: ledger lookup: %w", err)
		}
		out[e.CommandID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: ledger lookup: %w", err)
	}
	return out, nil
}
