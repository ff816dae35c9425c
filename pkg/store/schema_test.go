package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// CheckSchema passes on a migrated database, and on an empty or
// partly-migrated one names what is missing without changing anything.
func TestCheckSchema(t *testing.T) {
	t.Parallel()
	s, ctx := setup(t)
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatalf("migrated database: %v", err)
	}

	exec(t, ctx, s, `DELETE FROM goose_db_version WHERE version_id >= 5`)
	err := s.CheckSchema(ctx)
	if !errors.Is(err, store.ErrSchemaBehind) || !strings.Contains(err.Error(), "5, 6") || !strings.Contains(err.Error(), "irisflow migrate") {
		t.Fatalf("two migrations missing: %v", err)
	}

	empty := testenv.EmptyPostgres(t)
	es, err := store.Open(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	err = es.CheckSchema(ctx)
	if !errors.Is(err, store.ErrSchemaBehind) || !strings.Contains(err.Error(), "1, 2, 3") {
		t.Fatalf("empty database: %v", err)
	}
	if n := count(t, ctx, es, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`); n != 0 {
		t.Errorf("CheckSchema created %d tables in the empty database", n)
	}
}
