package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned when the row an operation needs does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrInvalid marks input the store refuses before writing anything; the
// wrapping error says which field of which item.
var ErrInvalid = errors.New("store: invalid input")

// Store is a pool of connections to irisflow's database. It is safe for
// concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// Option adjusts the pool configuration used by Open.
type Option func(*pgxpool.Config)

// WithMaxConns caps the pool at n connections (default: pgxpool's,
// max(4, number of CPUs), or pool_max_conns in the URL).
func WithMaxConns(n int32) Option {
	return func(c *pgxpool.Config) { c.MaxConns = n }
}

// WithMinConns keeps at least n connections open (default 0).
func WithMinConns(n int32) Option {
	return func(c *pgxpool.Config) { c.MinConns = n }
}

// WithMaxConnLifetime recycles connections older than d (default 1h).
func WithMaxConnLifetime(d time.Duration) Option {
	return func(c *pgxpool.Config) { c.MaxConnLifetime = d }
}

// WithPoolConfig applies any other change to the pool configuration.
func WithPoolConfig(f func(*pgxpool.Config)) Option {
	return Option(f)
}

// Open connects to the database at url (a postgres:// URL or key=value DSN)
// and checks it answers. It does not migrate: run Migrate first.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: parse database url: %w", err)
	}
	for _, o := range opts {
		o(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: ping database: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close closes every connection of the pool; it waits for acquired ones to
// be released.
func (s *Store) Close() { s.pool.Close() }

// Pool returns the underlying pool, for health checks and tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
