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
	// Attempts counts the LedgerBegin calls that began the command (not
	// those refused by another attempt's claim).
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

// ErrClaimed is returned (wrapped in a *ClaimedError) by LedgerBegin when
// another writer attempt holds the command's claim.
var ErrClaimed = errors.New("store: write claimed by another writer")

// ClaimedError says that another writer attempt holds a command, and for how
// much longer its lease runs (by the database clock) unless renewed.
type ClaimedError struct {
	CommandID string
	Remaining time.Duration
}

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("store: write %s claimed by another writer for %s more", e.CommandID, e.Remaining.Round(time.Millisecond))
}

func (e *ClaimedError) Unwrap() error { return ErrClaimed }

// LedgerBegin records that a writer attempt identified by token is about to
// perform command id, and claims the command for lease, in one statement: a
// new command is inserted pending (created true); an existing one that is
// applied, unclaimed, claimed by token or whose lease has ended is returned
// with Attempts incremented (created false). The caller branches on the
// returned state: applied → do not write again, reuse ObjectID; pending with
// Attempts > 1 → an earlier attempt may have reached Resilient, look before
// writing. A failed command begun again becomes pending again (a manual
// retry). An applied command is not claimed (there is nothing left to do).
//
// While another attempt's lease runs, nothing changes and a *ClaimedError
// (ErrClaimed) is returned: two writers never reconcile or post one command
// at the same time. The holder renews the claim while it works
// (LedgerRenew), and LedgerApplied, LedgerFailed and LedgerRelease end it.
func (s *Store) LedgerBegin(ctx context.Context, id string, org, incident int64, kind, token string, lease time.Duration) (LedgerEntry, bool, error) {
	switch {
	case id == "":
		return LedgerEntry{}, false, fmt.Errorf("store: ledger begin: %w: empty command id", ErrInvalid)
	case token == "" || lease <= 0:
		return LedgerEntry{}, false, fmt.Errorf("store: ledger begin %s: %w: a claim needs a token and a positive lease", id, ErrInvalid)
	}
	var created bool
	e, err := scanLedger(s.pool.QueryRow(ctx, `
		INSERT INTO write_ledger AS l (command_id, org, incident, kind, claim_token, claimed_until)
		VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 microsecond')
		ON CONFLICT (command_id) DO UPDATE SET
			attempts      = l.attempts + 1,
			state         = CASE WHEN l.state = 'failed' THEN 'pending' ELSE l.state END,
			pending_since = CASE WHEN l.state = 'failed' THEN now() ELSE l.pending_since END,
			claim_token   = CASE WHEN l.state = 'applied' THEN NULL ELSE excluded.claim_token END,
			claimed_until = CASE WHEN l.state = 'applied' THEN NULL ELSE excluded.claimed_until END
		WHERE l.state = 'applied' OR l.claim_token IS NULL OR l.claim_token = excluded.claim_token
			OR l.claimed_until <= now()
		RETURNING `+ledgerColumns+`, (xmax = 0)`, id, org, incident, kind, token, lease.Microseconds()), &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return LedgerEntry{}, false, s.claimedBy(ctx, id)
	}
	if err != nil {
		return LedgerEntry{}, false, fmt.Errorf("store: ledger begin %s: %w", id, err)
	}
	return e, created, nil
}

// claimedBy is the *ClaimedError of command id, whose claim LedgerBegin
// could not take: the remaining lease, 0 if it ended since.
func (s *Store) claimedBy(ctx context.Context, id string) error {
	var us int64
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(greatest(extract(epoch FROM claimed_until - now()) * 1e6, 0), 0)::bigint
		FROM write_ledger WHERE command_id = $1`, id).Scan(&us)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("store: ledger begin %s: read claim: %w", id, err)
	}
	return &ClaimedError{CommandID: id, Remaining: time.Duration(us) * time.Microsecond}
}

// LedgerRenew extends the claim token holds on command id to lease from now.
// ErrClaimed when token no longer holds it (its lease ended and another
// attempt took it, or the command settled): the holder must stop before it
// writes.
func (s *Store) LedgerRenew(ctx context.Context, id, token string, lease time.Duration) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET claimed_until = now() + $3 * interval '1 microsecond'
		WHERE command_id = $1 AND claim_token = $2`, id, token, lease.Microseconds())
	if err != nil {
		return fmt.Errorf("store: ledger renew %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: ledger renew %s: %w", id, ErrClaimed)
	}
	return nil
}

// LedgerRelease ends the claim token holds on command id, if it still does,
// so another attempt need not wait out the lease (a transient failure, the
// writer stopping). The entry is otherwise unchanged.
func (s *Store) LedgerRelease(ctx context.Context, id, token string) error {
	if _, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET claim_token = NULL, claimed_until = NULL
		WHERE command_id = $1 AND claim_token = $2`, id, token); err != nil {
		return fmt.Errorf("store: ledger release %s: %w", id, err)
	}
	return nil
}

// LedgerApplied marks command id applied with the Resilient object it
// created, and ends any claim on it. Marking it again with the same object id is a no-op; with
// another, ErrAlreadyApplied. ErrNotFound when the command was never begun.
func (s *Store) LedgerApplied(ctx context.Context, id string, objectID int64) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET
			state      = 'applied',
			object_id  = $2,
			applied_at = now(),
			last_error = '',
			claim_token = NULL,
			claimed_until = NULL
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

// LedgerFailed marks command id failed for good with reason and ends any
// claim on it. It never
// overrides an applied command (ErrAlreadyApplied); ErrNotFound when the
// command was never begun.
func (s *Store) LedgerFailed(ctx context.Context, id, reason string) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE write_ledger SET state = 'failed', last_error = $2, claim_token = NULL, claimed_until = NULL
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
//
// It is planned at each call (pgx.QueryExecModeExec), not prepared: a
// prepared `= ANY($1)` gets PostgreSQL's generic plan after five calls,
// and one chosen while write_ledger was small is a sequential scan kept
// for the connection's life — measured in the playbook bench at 80 blocks
// and 1.9 ms a call, 75 % of PostgreSQL's time, against 0.17 ms for the
// ledger's other statements (BenchmarkLedgerLookupMany).
func (s *Store) LedgerLookupMany(ctx context.Context, ids []string) (map[string]LedgerEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ledgerColumns+` FROM write_ledger WHERE command_id = ANY($1)`, pgx.QueryExecModeExec, ids)
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
