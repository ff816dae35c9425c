-- `irisflow pivots VALUE` matches pivot values case-insensitively (Iris
-- matches them so): an expression index makes that lookup an index scan
-- instead of a scan of the whole pivot history.

-- +goose Up
CREATE INDEX pivot_runs_lower_value_idx ON pivot_runs (lower(pivot_value));

-- +goose Down
DROP INDEX pivot_runs_lower_value_idx;
