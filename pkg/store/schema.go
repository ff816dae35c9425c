package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/irisflow/irisflow/migrations"
)

// ErrSchemaBehind is CheckSchema's error when the database lacks migrations
// this build needs.
var ErrSchemaBehind = errors.New("database schema is behind this irisflow")

// CheckSchema reports, without changing the database, whether every
// migration of this build is applied: a process started with migrations off
// (migrate: false, --migrate=false) refuses to run on an older schema with
// an error that names the missing versions and the command that applies
// them, instead of failing later on a missing table.
func (s *Store) CheckSchema(ctx context.Context) error {
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	applied := map[int64]bool{}
	var table *string
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version')::text`).Scan(&table); err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	if table != nil {
		rows, err := s.pool.Query(ctx, `SELECT version_id FROM goose_db_version WHERE is_applied`)
		if err != nil {
			return fmt.Errorf("store: check schema: %w", err)
		}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("store: check schema: %w", err)
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: check schema: %w", err)
		}
	}
	var missing []string
	for _, f := range files {
		v, err := goose.NumericComponent(f)
		if err != nil {
			return fmt.Errorf("store: check schema: %s: %w", f, err)
		}
		if !applied[v] {
			missing = append(missing, strconv.FormatInt(v, 10))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("store: %w: migration(s) %s not applied; run `irisflow migrate`, or start with migrations on (migrate: true / IRISFLOW_MIGRATE=true)",
			ErrSchemaBehind, strings.Join(missing, ", "))
	}
	return nil
}
