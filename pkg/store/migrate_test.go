package store_test

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/migrations"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
)

var wantTables = []string{"iris_profiles", "pivot_runs", "pivot_results", "pivot_searches", "incident_domains", "write_ledger", "iris_quota"}

func schemaState(t *testing.T, ctx context.Context, url string) (versions int, maxVersion int64, tables int) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT count(*), max(version_id) FROM goose_db_version`).Scan(&versions, &maxVersion); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)`, wantTables).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	return versions, maxVersion, tables
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := testenv.Postgres(t) // migrated once
	v1, max1, tables := schemaState(t, ctx, url)
	if tables != len(wantTables) {
		t.Fatalf("tables after migrate = %d, want %d", tables, len(wantTables))
	}
	if err := store.Migrate(ctx, url); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	v2, max2, _ := schemaState(t, ctx, url)
	if v1 != v2 || max1 != max2 {
		t.Fatalf("second migrate changed goose_db_version: %d rows (max %d) → %d rows (max %d)", v1, max1, v2, max2)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := testenv.EmptyPostgres(t)

	const replicas = 3
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { errs[i] = store.Migrate(ctx, url, store.WithMigrateLogger(slog.New(slog.DiscardHandler))) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	versions, maxVersion, tables := schemaState(t, ctx, url)
	if tables != len(wantTables) {
		t.Errorf("tables = %d, want %d", tables, len(wantTables))
	}
	// One row per migration plus goose's version-0 row: each applied once.
	if int64(versions) != maxVersion+1 {
		t.Errorf("goose_db_version has %d rows for max version %d: a migration was recorded twice", versions, maxVersion)
	}
}

func TestMigrateBadURL(t *testing.T) {
	t.Parallel()
	if err := store.Migrate(context.Background(), "postgres://%zz"); err == nil {
		t.Fatal("Migrate with an unparsable URL succeeded")
	}
}

// TestMigrationsDownAndUpAgain checks every Down section undoes its Up, so a
// bad release can be rolled back with the goose CLI.
func TestMigrationsDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := testenv.Postgres(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	if _, _, tables := schemaState(t, ctx, url); tables != 0 {
		t.Fatalf("%d tables left after migrating down to 0", tables)
	}
	if err := store.Migrate(ctx, url, store.WithMigrateLogger(slog.New(slog.DiscardHandler))); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if _, _, tables := schemaState(t, ctx, url); tables != len(wantTables) {
		t.Fatalf("tables after up again = %d, want %d", tables, len(wantTables))
	}
}
