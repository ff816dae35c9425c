package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrQuotaExhausted is returned by Quota.Wait when the wait needed exceeds
// QuotaConfig.MaxWait (e.g. the hourly or monthly budget is spent).
var ErrQuotaExhausted = errors.New("store: iris quota exhausted")

// QuotaConfig describes a shared request budget.
type QuotaConfig struct {
	// Name identifies the budget row (default "iris"). Replicas that share
	// a name share the budget.
	Name string
	// PerMinute is the sustained rate, in requests per minute; required, > 0.
	PerMinute int
	// PerHour caps requests per UTC clock hour (default 0: no hourly cap).
	PerHour int
	// PerMonth caps requests per UTC calendar month (default 0: none).
	PerMonth int
	// Burst is the bucket capacity: requests allowed at once after a quiet
	// period (default 1). With a capacity of B, one minute can see
	// B + PerMinute − 1 requests, more than an API allowing PerMinute a
	// minute accepts (Iris answers 503 above it); with 1, requests are
	// spaced evenly and no minute sees more than PerMinute.
	Burst int
	// MaxWait makes Wait fail with ErrQuotaExhausted instead of waiting
	// longer than this (default 0: wait as long as ctx allows).
	MaxWait time.Duration
	// MaxSleep bounds one sleep of Wait between attempts, so config changes
	// and other replicas' pauses are noticed (default 5s).
	MaxSleep time.Duration
}

// Quota is a handle on a token bucket kept in PostgreSQL and shared by every
// replica that uses the same name. It satisfies the iris package's Limiter
// (Wait, Pause). It is safe for concurrent use.
type Quota struct {
	s   *Store
	cfg QuotaConfig
}

// Quota creates the bucket named cfg.Name (full) if it does not exist, or
// updates its capacity, rate and windows to cfg without refilling it, and
// returns a handle on it.
func (s *Store) Quota(ctx context.Context, cfg QuotaConfig) (*Quota, error) {
	if cfg.Name == "" {
		cfg.Name = "iris"
	}
	if cfg.PerMinute <= 0 {
		return nil, fmt.Errorf("store: quota %s: %w: per-minute limit must be > 0, got %d", cfg.Name, ErrInvalid, cfg.PerMinute)
	}
	if cfg.PerHour < 0 || cfg.PerMonth < 0 || cfg.Burst < 0 {
		return nil, fmt.Errorf("store: quota %s: %w: negative limit", cfg.Name, ErrInvalid)
	}
	if cfg.Burst == 0 {
		cfg.Burst = 1
	}
	if cfg.MaxSleep <= 0 {
		cfg.MaxSleep = 5 * time.Second
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO iris_quota AS q (name, tokens, capacity, refill_per_sec, hour_limit, month_limit)
		VALUES ($1, $2, $2, $3, $4, $5)
		ON CONFLICT (name) DO UPDATE SET
			tokens         = least(q.tokens, excluded.capacity),
			capacity       = excluded.capacity,
			refill_per_sec = excluded.refill_per_sec,
			hour_limit     = excluded.hour_limit,
			month_limit    = excluded.month_limit`,
		cfg.Name, float64(cfg.Burst), float64(cfg.PerMinute)/60, cfg.PerHour, cfg.PerMonth)
	if err != nil {
		return nil, fmt.Errorf("store: quota %s: %w", cfg.Name, err)
	}
	return &Quota{s: s, cfg: cfg}, nil
}

// takeSQL is the whole bucket step in one statement, on the database clock:
// lock the row, refill it by the time elapsed since updated_at (capped at
// capacity), roll the hour and month windows, take a token when none of the
// pause, the bucket or a window forbids it, and return how long to wait
// otherwise (the longest of what forbids it).
const takeSQL = `
WITH cur AS (
	SELECT q.*, clock_timestamp() AS ts
	FROM iris_quota q WHERE q.name = $1
	FOR UPDATE
), calc AS (
	SELECT name, ts, paused_until, refill_per_sec, hour_limit, month_limit,
		greatest(ts, updated_at) AS new_updated,
		least(capacity, tokens + greatest(0, extract(epoch FROM ts - updated_at))::float8 * refill_per_sec) AS avail,
		date_trunc('hour', ts, 'UTC') AS h_start,
		CASE WHEN hour_start = date_trunc('hour', ts, 'UTC') THEN hour_used ELSE 0 END AS h_used,
		date_trunc('month', ts, 'UTC') AS m_start,
		CASE WHEN month_start = date_trunc('month', ts, 'UTC') THEN month_used ELSE 0 END AS m_used
	FROM cur
), d AS (
	SELECT calc.*,
		(paused_until IS NULL OR paused_until <= ts)
		AND avail >= 1
		AND (hour_limit = 0 OR h_used < hour_limit)
		AND (month_limit = 0 OR m_used < month_limit) AS ok
	FROM calc
)
UPDATE iris_quota q SET
	tokens      = CASE WHEN d.ok THEN d.avail - 1 ELSE d.avail END,
	updated_at  = d.new_updated,
	hour_start  = d.h_start,
	hour_used   = d.h_used + d.ok::int,
	month_start = d.m_start,
	month_used  = d.m_used + d.ok::int
FROM d
WHERE q.name = d.name
RETURNING d.ok, CASE WHEN d.ok THEN 0 ELSE greatest(
	CASE WHEN d.paused_until > d.ts THEN extract(epoch FROM d.paused_until - d.ts)::float8 ELSE 0 END,
	CASE WHEN d.avail < 1 THEN (1 - d.avail) / d.refill_per_sec ELSE 0 END,
	CASE WHEN d.hour_limit > 0 AND d.h_used >= d.hour_limit
		THEN extract(epoch FROM d.h_start + interval '1 hour' - d.ts)::float8 ELSE 0 END,
	CASE WHEN d.month_limit > 0 AND d.m_used >= d.month_limit
		THEN extract(epoch FROM (d.m_start AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC' - d.ts)::float8 ELSE 0 END
) END`

// Take tries to take one request token, in one statement. It returns 0 when
// the token was taken, else how long to wait before it may succeed (the
// pause, the bucket's refill, or the next hour or month window). It never
// sleeps.
func (q *Quota) Take(ctx context.Context) (time.Duration, error) {
	var ok bool
	var secs float64
	err := q.s.pool.QueryRow(ctx, takeSQL, q.cfg.Name).Scan(&ok, &secs)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("store: quota %s: take: %w", q.cfg.Name, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: quota %s: take: %w", q.cfg.Name, err)
	}
	if ok {
		return 0, nil
	}
	wait := time.Duration(secs * float64(time.Second))
	return max(wait, time.Millisecond), nil
}

// Wait blocks until it takes a token or ctx ends. Between attempts it sleeps
// for the wait Take reports: a token due within MaxSleep is asked for when
// it is due — with a burst of one, a token not taken is refill lost, and
// replicas asking at the same instant are served one by one by the row
// lock — and a longer wait is slept in steps of MaxSleep plus up to 10%
// jitter, so replicas spread out.
func (q *Quota) Wait(ctx context.Context) error { return q.WaitYielding(ctx, nil) }

// maxYields bounds how many tokens a partial request lets go by
// (WaitYielding): it waits at most that many token spacings longer than it
// would have.
const maxYields = 3

// WaitYielding is Wait for a request that partial reports is not full yet
// (iris.Yielder). While it is partial and the next token is due within
// MaxSleep, it asks for that token a quarter of a token's spacing after it
// is due, so that a replica with a full request, asking when it is due,
// takes it; at most maxYields times, and when no full request took the
// token it takes it then. A shared budget is so spent on full requests
// while any replica holds one — the FN consumer spreads the domains
// unevenly, and without this the replicas take turns whatever each holds.
// A nil partial is Wait.
func (q *Quota) WaitYielding(ctx context.Context, partial func() bool) error {
	lag := time.Minute / time.Duration(q.cfg.PerMinute) / 4
	yields := 0
	for {
		wait, err := q.Take(ctx)
		if err != nil {
			return err
		}
		if wait == 0 {
			return nil
		}
		if q.cfg.MaxWait > 0 && wait > q.cfg.MaxWait {
			return fmt.Errorf("store: quota %s: next request in %s: %w", q.cfg.Name, wait.Round(time.Second), ErrQuotaExhausted)
		}
		sleep := wait
		switch {
		case wait > q.cfg.MaxSleep:
			sleep = q.cfg.MaxSleep + time.Duration(rand.Int64N(int64(q.cfg.MaxSleep)/10+1))
		case partial != nil && yields < maxYields && partial():
			yields++
			sleep += lag
		}
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("store: quota %s: wait: %w", q.cfg.Name, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// Pause stops every replica sharing the bucket from taking tokens for d from
// now (database clock); a longer pause already in force is kept. Call it
// when Iris answers 503.
func (q *Quota) Pause(ctx context.Context, d time.Duration) error {
	tag, err := q.s.pool.Exec(ctx, `
		UPDATE iris_quota
		SET paused_until = greatest(paused_until, clock_timestamp() + $2::bigint * interval '1 microsecond')
		WHERE name = $1`, q.cfg.Name, d.Microseconds())
	if err != nil {
		return fmt.Errorf("store: quota %s: pause: %w", q.cfg.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: quota %s: pause: %w", q.cfg.Name, ErrNotFound)
	}
	return nil
}

// QuotaState is a snapshot of a bucket, for status output and metrics.
type QuotaState struct {
	// Name is the bucket's name.
	Name string
	// Tokens is what is available now (refilled to now, not stored).
	Tokens float64
	// Capacity and RefillPerSec are the bucket's size and rate.
	Capacity, RefillPerSec float64
	// PausedUntil is set while a pause is in force.
	PausedUntil *time.Time
	// HourUsed and MonthUsed count requests in the current windows.
	HourUsed, MonthUsed int
	// HourLimit and MonthLimit are the windows' caps (0 = none).
	HourLimit, MonthLimit int
}

// State reads the bucket without changing it.
func (q *Quota) State(ctx context.Context) (QuotaState, error) {
	st := QuotaState{Name: q.cfg.Name}
	err := q.s.pool.QueryRow(ctx, `
		SELECT least(capacity, tokens + greatest(0, extract(epoch FROM clock_timestamp() - updated_at))::float8 * refill_per_sec),
			capacity, refill_per_sec,
			CASE WHEN paused_until > clock_timestamp() THEN paused_until END,
			CASE WHEN hour_start = date_trunc('hour', clock_timestamp(), 'UTC') THEN hour_used ELSE 0 END,
			CASE WHEN month_start = date_trunc('month', clock_timestamp(), 'UTC') THEN month_used ELSE 0 END,
			hour_limit, month_limit
		FROM iris_quota WHERE name = $1`, q.cfg.Name).
		Scan(&st.Tokens, &st.Capacity, &st.RefillPerSec, &st.PausedUntil, &st.HourUsed, &st.MonthUsed, &st.HourLimit, &st.MonthLimit)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("store: quota %s: state: %w", q.cfg.Name, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("store: quota %s: state: %w", q.cfg.Name, err)
	}
	return st, nil
}
