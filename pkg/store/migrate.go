package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/irisflow/irisflow/migrations"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrateOption adjusts Migrate.
type MigrateOption func(*migrateConfig)

type migrateConfig struct {
	log *slog.Logger
}

// WithMigrateLogger logs each applied migration to l (default
// slog.Default(); pass a logger with a discarding handler to stay quiet).
func WithMigrateLogger(l *slog.Logger) MigrateOption {
	return func(c *migrateConfig) { c.log = l }
}

// Migrate applies every pending migration of module migrations to the
// database at url (goose, version table goose_db_version). It is a no-op when
// the schema is current, and safe to run from several replicas at once: a
// session-level advisory lock serialises them, and the later ones find
// nothing left to do.
func Migrate(ctx context.Context, url string, opts ...MigrateOption) error {
	mc := migrateConfig{log: slog.Default()}
	for _, o := range opts {
		o(&mc)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("store: migrate: parse database url: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()

	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(advisoryLocker{id: lock.DefaultLockID}),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		mc.log.InfoContext(ctx, "store: migration applied",
			"version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// advisoryLocker is a goose session locker that waits on
// pg_advisory_lock (blocking, cancelled with ctx) instead of polling
// pg_try_advisory_lock every few seconds as lock.NewPostgresSessionLocker
// does: replicas starting together migrate one after the other without
// sleeping. It uses goose's default lock id, so it also excludes the goose CLI.
type advisoryLocker struct{ id int64 }

func (l advisoryLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", l.id); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	return nil
}

func (l advisoryLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", l.id).Scan(&ok); err != nil {
		return fmt.Errorf("advisory unlock: %w", err)
	}
	if !ok {
		return fmt.Errorf("advisory unlock: lock %d was not held", l.id)
	}
	return nil
}
