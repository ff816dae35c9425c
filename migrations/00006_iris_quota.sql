-- The Iris request budget shared by every enricher and pivoter replica: a
-- token bucket updated in one statement, optional hour and month windows, and
-- a shared pause after Iris answers 503.

-- +goose Up
CREATE TABLE iris_quota (
    name           text             PRIMARY KEY,
    tokens         double precision NOT NULL CHECK (tokens >= 0),
    capacity       double precision NOT NULL CHECK (capacity >= 1),
    refill_per_sec double precision NOT NULL CHECK (refill_per_sec > 0),
    updated_at     timestamptz      NOT NULL DEFAULT clock_timestamp(),
    paused_until   timestamptz,
    hour_start     timestamptz,
    hour_used      integer          NOT NULL DEFAULT 0,
    hour_limit     integer          NOT NULL DEFAULT 0 CHECK (hour_limit >= 0),
    month_start    timestamptz,
    month_used     integer          NOT NULL DEFAULT 0,
    month_limit    integer          NOT NULL DEFAULT 0 CHECK (month_limit >= 0)
);

COMMENT ON TABLE iris_quota IS 'Shared Iris request budgets (token buckets), one row per budget.';
COMMENT ON COLUMN iris_quota.name IS 'Budget name, e.g. iris (one per Iris account/product).';
COMMENT ON COLUMN iris_quota.tokens IS 'Tokens left as of updated_at; one request takes one.';
COMMENT ON COLUMN iris_quota.capacity IS 'Bucket size: the burst allowed after a quiet period.';
COMMENT ON COLUMN iris_quota.refill_per_sec IS 'Tokens added per second of elapsed time (per-minute limit / 60).';
COMMENT ON COLUMN iris_quota.updated_at IS 'When tokens was last computed (database clock).';
COMMENT ON COLUMN iris_quota.paused_until IS 'No request before this time (set after Iris answered 503); NULL = not paused.';
COMMENT ON COLUMN iris_quota.hour_start IS 'Start of the current UTC clock hour window.';
COMMENT ON COLUMN iris_quota.hour_used IS 'Requests taken in the current hour window.';
COMMENT ON COLUMN iris_quota.hour_limit IS 'Requests allowed per UTC clock hour; 0 = no hourly limit.';
COMMENT ON COLUMN iris_quota.month_start IS 'Start of the current UTC calendar month window.';
COMMENT ON COLUMN iris_quota.month_used IS 'Requests taken in the current month window.';
COMMENT ON COLUMN iris_quota.month_limit IS 'Requests allowed per UTC calendar month; 0 = no monthly limit.';

-- +goose Down
DROP TABLE iris_quota;
