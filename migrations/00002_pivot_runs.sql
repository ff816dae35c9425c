-- Pivot history: each pivot run and the domains it found, a graph of
-- connected infrastructure across incidents.

-- +goose Up
CREATE TABLE pivot_runs (
    id             bigserial   PRIMARY KEY,
    org            bigint      NOT NULL,
    incident       bigint      NOT NULL,
    source_domain  text        NOT NULL,
    pivot_type     text        NOT NULL CHECK (pivot_type <> ''),
    pivot_value    text        NOT NULL,
    guided_count   integer     NOT NULL DEFAULT 0,
    result_count   integer     NOT NULL DEFAULT 0,
    limit_exceeded boolean     NOT NULL DEFAULT false,
    run_at         timestamptz NOT NULL DEFAULT now(),
    invocation_id  text        NOT NULL CHECK (invocation_id <> ''),
    UNIQUE (invocation_id, pivot_type, pivot_value)
);

COMMENT ON TABLE pivot_runs IS 'One row per pivot search run for an incident.';
COMMENT ON COLUMN pivot_runs.org IS 'Resilient organisation id.';
COMMENT ON COLUMN pivot_runs.incident IS 'Resilient incident id the pivot ran for.';
COMMENT ON COLUMN pivot_runs.source_domain IS 'Normalised domain whose profile offered the pivot value.';
COMMENT ON COLUMN pivot_runs.pivot_type IS 'Iris search parameter, e.g. ip, registrant_org, ssl_hash.';
COMMENT ON COLUMN pivot_runs.pivot_value IS 'Value searched, as sent to Iris.';
COMMENT ON COLUMN pivot_runs.guided_count IS 'Guided-pivot count Iris showed for the value on the source profile.';
COMMENT ON COLUMN pivot_runs.result_count IS 'Number of domains the search matched (Iris total_count).';
COMMENT ON COLUMN pivot_runs.limit_exceeded IS 'Iris answered limit_exceeded: too many matches, no results.';
COMMENT ON COLUMN pivot_runs.run_at IS 'When the run was recorded (database clock unless supplied).';
COMMENT ON COLUMN pivot_runs.invocation_id IS 'Invocation (message) that asked for the run; with type and value it makes a redelivery idempotent.';

CREATE INDEX pivot_runs_value_idx ON pivot_runs (pivot_type, pivot_value, org);
CREATE INDEX pivot_runs_source_domain_idx ON pivot_runs (source_domain);
CREATE INDEX pivot_runs_incident_idx ON pivot_runs (org, incident);

CREATE TABLE pivot_results (
    run_id     bigint  NOT NULL REFERENCES pivot_runs (id) ON DELETE CASCADE,
    domain     text    NOT NULL CHECK (domain <> ''),
    risk_score integer,
    PRIMARY KEY (run_id, domain)
);

COMMENT ON TABLE pivot_results IS 'Domains a pivot run found (edges of the infrastructure graph).';
COMMENT ON COLUMN pivot_results.run_id IS 'The pivot run.';
COMMENT ON COLUMN pivot_results.domain IS 'Normalised domain found.';
COMMENT ON COLUMN pivot_results.risk_score IS 'Risk score Iris returned with the result, NULL when none.';

CREATE INDEX pivot_results_domain_idx ON pivot_results (domain);

-- +goose Down
DROP TABLE pivot_results;
DROP TABLE pivot_runs;
