package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// setup gives a test its own freshly migrated database and a store on it,
// and a context that ends with the test.
func setup(t testing.TB) (*store.Store, context.Context) {
	t.Helper()
	s := testenv.PostgresStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return s, ctx
}

// exec runs a statement directly, for tests that move the clock of rows.
func exec(t testing.TB, ctx context.Context, s *store.Store, sql string, args ...any) {
	t.Helper()
	if _, err := s.Pool().Exec(ctx, sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

// count runs a count(*)-like query.
func count(t testing.TB, ctx context.Context, s *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool().QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }
