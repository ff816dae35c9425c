-- Pivot search cache: a search for the same value (and filters) within the
-- TTL is answered from here instead of costing another Iris query.

-- +goose Up
CREATE TABLE pivot_searches (
    id             bigserial   PRIMARY KEY,
    pivot_type     text        NOT NULL CHECK (pivot_type <> ''),
    pivot_value    text        NOT NULL,
    filters_key    text        NOT NULL DEFAULT '',
    fetched_at     timestamptz NOT NULL DEFAULT now(),
    total_count    integer     NOT NULL DEFAULT 0,
    limit_exceeded boolean     NOT NULL DEFAULT false,
    results        jsonb       NOT NULL DEFAULT '[]'
);

COMMENT ON TABLE pivot_searches IS 'Every Iris pivot search answer; the newest per (type, value, filters) within the TTL is the cache.';
COMMENT ON COLUMN pivot_searches.pivot_type IS 'Iris search parameter, e.g. ip, registrant_org.';
COMMENT ON COLUMN pivot_searches.pivot_value IS 'Value searched, as sent to Iris.';
COMMENT ON COLUMN pivot_searches.filters_key IS 'Canonical form of any extra Iris filters sent with the search; empty = none.';
COMMENT ON COLUMN pivot_searches.fetched_at IS 'When Iris answered (database clock).';
COMMENT ON COLUMN pivot_searches.total_count IS 'Iris total_count: how many domains matched.';
COMMENT ON COLUMN pivot_searches.limit_exceeded IS 'Iris answered limit_exceeded: too many matches, no results.';
COMMENT ON COLUMN pivot_searches.results IS 'JSON array of {"domain", "risk_score"} found.';

CREATE INDEX pivot_searches_lookup_idx ON pivot_searches (pivot_type, pivot_value, filters_key, fetched_at DESC);

-- +goose Down
DROP TABLE pivot_searches;
