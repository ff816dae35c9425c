package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

func TestLedgerLifecycle(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const id = "inv-1/note/summary"

	e, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note", tok, lease)
	if err != nil || !created {
		t.Fatalf("first begin: created %v err %v", created, err)
	}
	if e.State != store.LedgerPending || e.Attempts != 1 || e.ObjectID != nil || e.PendingSince.IsZero() ||
		e.Org != 201 || e.Incident != 4206 || e.Kind != "note" || e.CommandID != id {
		t.Fatalf("first begin: %+v", e)
	}

	e2, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note", tok, lease)
	if err != nil || created {
		t.Fatalf("second begin: created %v err %v", created, err)
	}
	if e2.State != store.LedgerPending || e2.Attempts != 2 || !e2.PendingSince.Equal(e.PendingSince) {
		t.Fatalf("second begin: %+v (first %+v)", e2, e)
	}

	if err := s.LedgerApplied(ctx, id, 5001); err != nil {
		t.Fatalf("applied: %v", err)
	}
	e3, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note", tok, lease)
	if err != nil || created {
		t.Fatalf("begin after applied: created %v err %v", created, err)
	}
	if e3.State != store.LedgerApplied || e3.ObjectID == nil || *e3.ObjectID != 5001 || e3.AppliedAt == nil || e3.Attempts != 3 {
		t.Fatalf("begin after applied: %+v", e3)
	}

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"applied again, same object", s.LedgerApplied(ctx, id, 5001), nil},
		{"applied again, other object", s.LedgerApplied(ctx, id, 5002), store.ErrAlreadyApplied},
		{"failed after applied", s.LedgerFailed(ctx, id, "boom"), store.ErrAlreadyApplied},
		{"applied unknown", s.LedgerApplied(ctx, "nope", 1), store.ErrNotFound},
		{"failed unknown", s.LedgerFailed(ctx, "nope", "x"), store.ErrNotFound},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) || (tc.want == nil && tc.err != nil) {
			t.Errorf("%s: err %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if got, err := s.LedgerLookup(ctx, id); err != nil || *got.ObjectID != 5001 || got.State != store.LedgerApplied {
		t.Fatalf("lookup after conflicting calls: %+v, %v; want object 5001 kept", got, err)
	}
}

func TestLedgerFailedThenRetried(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const id = "inv-2/artifact/evil.example"
	if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "artifact", tok, lease); err != nil {
		t.Fatal(err)
	}
	if err := s.LedgerFailed(ctx, id, "422 invalid artifact type"); err != nil {
		t.Fatal(err)
	}
	e, err := s.LedgerLookup(ctx, id)
	if err != nil || e.State != store.LedgerFailed || e.LastError != "422 invalid artifact type" {
		t.Fatalf("after failed: %+v, %v", e, err)
	}
	e, created, err := s.LedgerBegin(ctx, id, 201, 4206, "artifact", tok, lease)
	if err != nil || created || e.State != store.LedgerPending || e.Attempts != 2 {
		t.Fatalf("begin after failed: %+v created %v err %v; want pending again, attempts 2", e, created, err)
	}
	if err := s.LedgerApplied(ctx, id, 42); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.LedgerLookup(ctx, id); e.LastError != "" || e.State != store.LedgerApplied {
		t.Fatalf("after applied: %+v", e)
	}
	if _, err := s.LedgerLookup(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lookup absent: %v", err)
	}
	if _, _, err := s.LedgerBegin(ctx, "", 1, 1, "note", tok, lease); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("begin with empty id: %v", err)
	}
}

// tok and lease are the claim of the single writer attempt of the tests
// above.
const (
	tok   = "writer-1"
	lease = time.Minute
)

// A second writer attempt cannot begin a command another one holds: it is
// told how long the lease runs and the entry is unchanged. It begins once the
// holder releases, or once the lease has ended; the holder then can no
// longer renew. Applied and failed end the claim.
func TestLedgerClaim(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const id = "inv-3/note/pivot/ip/1"

	if _, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "a", lease); err != nil || !created {
		t.Fatalf("a begins: created %v err %v", created, err)
	}
	_, _, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "b", lease)
	var claimed *store.ClaimedError
	if !errors.As(err, &claimed) || !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("b begins while a holds it: err %v, want a *ClaimedError", err)
	}
	if claimed.Remaining <= lease/2 || claimed.Remaining > lease {
		t.Fatalf("b told the lease runs %v more, want about %v", claimed.Remaining, lease)
	}
	if e, _ := s.LedgerLookup(ctx, id); e.Attempts != 1 {
		t.Fatalf("attempts after a refused begin: %d, want 1", e.Attempts)
	}
	if err := s.LedgerRenew(ctx, id, "a", lease); err != nil {
		t.Fatalf("a renews: %v", err)
	}

	// a releases (a transient failure): b begins at once, as a reconcile.
	if err := s.LedgerRelease(ctx, id, "b"); err != nil { // not b's: no effect
		t.Fatal(err)
	}
	if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "c", lease); !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("c begins after b's release of a claim it does not hold: %v, want ErrClaimed", err)
	}
	if err := s.LedgerRelease(ctx, id, "a"); err != nil {
		t.Fatal(err)
	}
	e, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "b", lease)
	if err != nil || created || e.Attempts != 2 || e.State != store.LedgerPending {
		t.Fatalf("b begins after a released: %+v created %v err %v", e, created, err)
	}

	// b dies holding it; once its lease has ended c takes it over, and b,
	// were it only paused, can no longer renew.
	exec(t, ctx, s, `UPDATE write_ledger SET claimed_until = now() - interval '1 second' WHERE command_id = $1`, id)
	if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "c", lease); err != nil {
		t.Fatalf("c begins after b's lease ended: %v", err)
	}
	if err := s.LedgerRenew(ctx, id, "b", lease); !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("b renews after c took over: %v, want ErrClaimed", err)
	}

	// Applied ends the claim: anyone begins it, as a duplicate.
	if err := s.LedgerApplied(ctx, id, 7001); err != nil {
		t.Fatal(err)
	}
	e, _, err = s.LedgerBegin(ctx, id, 201, 4206, "note", "d", lease)
	if err != nil || e.State != store.LedgerApplied {
		t.Fatalf("d begins after applied: %+v, %v", e, err)
	}
	if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "note", "e", lease); err != nil {
		t.Fatalf("an applied command is not claimed, e begins too: %v", err)
	}

	// Failed ends it too.
	const id2 = "inv-3/note/pivot/ip/2"
	if _, _, err := s.LedgerBegin(ctx, id2, 201, 4206, "note", "a", lease); err != nil {
		t.Fatal(err)
	}
	if err := s.LedgerFailed(ctx, id2, "422"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.LedgerBegin(ctx, id2, 201, 4206, "note", "b", lease); err != nil {
		t.Fatalf("b begins a command a failed: %v", err)
	}
	if _, _, err := s.LedgerBegin(ctx, id2, 201, 4206, "note", "", lease); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("begin without a token: %v", err)
	}
}
