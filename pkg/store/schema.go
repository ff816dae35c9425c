package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/irisflow/irisflow/migrations"
)

// ErrSchemaBehind is CheckSchema's error when the database lacks migrations
// this build needs.
var ErrSchemaBehind = errors.New("database schema is behind this irisflow")

// CheckSchema reports, without changing the database, whether every
// migration of this build is applied (goose's own status): a process
// started with migrations off (migrate: false, --migrate=false) refuses to
// run on an older schema with an error that names the missing versions and
// the command that applies them, instead of failing later on a missing
// table.
func (s *Store) CheckSchema(ctx context.Context) error {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	// goose's status creates its version table when there is none; a
	// database without one has every migration pending.
	var table *string
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version')::text`).Scan(&table); err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	var missing []string
	if table == nil {
		for _, src := range p.ListSources() {
			missing = append(missing, strconv.FormatInt(src.Version, 10))
		}
	} else {
		status, err := p.Status(ctx)
		if err != nil {
			return fmt.Errorf("store: check schema: %w", err)
		}
		for _, m := range status {
			if m.State != goose.StateApplied {
				missing = append(missing, strconv.FormatInt(m.Source.Version, 10))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("store: %w: migration(s) %s not applied; run `irisflow migrate`, or start with migrations on (migrate: true / IRISFLOW_MIGRATE=true)",
			ErrSchemaBehind, strings.Join(missing, ", "))
	}
	return nil
}
