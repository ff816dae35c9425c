package store_test

import (
	"errors"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
)

func TestLedgerLifecycle(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	const id = "inv-1/note/summary"

	e, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note")
	if err != nil || !created {
		t.Fatalf("first begin: created %v err %v", created, err)
	}
	if e.State != store.LedgerPending || e.Attempts != 1 || e.ObjectID != nil || e.PendingSince.IsZero() ||
		e.Org != 201 || e.Incident != 4206 || e.Kind != "note" || e.CommandID != id {
		t.Fatalf("first begin: %+v", e)
	}

	e2, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note")
	if err != nil || created {
		t.Fatalf("second begin: created %v err %v", created, err)
	}
	if e2.State != store.LedgerPending || e2.Attempts != 2 || !e2.PendingSince.Equal(e.PendingSince) {
		t.Fatalf("second begin: %+v (first %+v)", e2, e)
	}

	if err := s.LedgerApplied(ctx, id, 5001); err != nil {
		t.Fatalf("applied: %v", err)
	}
	e3, created, err := s.LedgerBegin(ctx, id, 201, 4206, "note")
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
	if _, _, err := s.LedgerBegin(ctx, id, 201, 4206, "artifact"); err != nil {
		t.Fatal(err)
	}
	if err := s.LedgerFailed(ctx, id, "422 invalid artifact type"); err != nil {
		t.Fatal(err)
	}
	e, err := s.LedgerLookup(ctx, id)
	if err != nil || e.State != store.LedgerFailed || e.LastError != "422 invalid artifact type" {
		t.Fatalf("after failed: %+v, %v", e, err)
	}
	e, created, err := s.LedgerBegin(ctx, id, 201, 4206, "artifact")
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
	if _, _, err := s.LedgerBegin(ctx, "", 1, 1, "note"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("begin with empty id: %v", err)
	}
}
