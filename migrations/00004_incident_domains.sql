-- Domains known to each incident and how they got there, so the pivoter skips
-- domains already on (or already found for) an incident and knows an
-- artifact's pivot depth.

-- +goose Up
CREATE TABLE incident_domains (
    org         bigint      NOT NULL,
    incident    bigint      NOT NULL,
    domain      text        NOT NULL CHECK (domain <> '' AND domain = lower(domain)),
    depth       integer     NOT NULL DEFAULT 0 CHECK (depth >= 0),
    origin      text        NOT NULL CHECK (origin IN ('analyst', 'pivot')),
    run_id      bigint      REFERENCES pivot_runs (id) ON DELETE SET NULL,
    artifact_id bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org, incident, domain)
);

COMMENT ON TABLE incident_domains IS 'Domains claimed for an incident: artifacts analysts added and domains pivots found.';
COMMENT ON COLUMN incident_domains.org IS 'Resilient organisation id.';
COMMENT ON COLUMN incident_domains.incident IS 'Resilient incident id.';
COMMENT ON COLUMN incident_domains.domain IS 'Normalised domain.';
COMMENT ON COLUMN incident_domains.depth IS 'Pivot depth: 0 for an analyst artifact, parent depth + 1 for a pivot find.';
COMMENT ON COLUMN incident_domains.origin IS 'analyst = artifact added in Resilient; pivot = found by an irisflow pivot.';
COMMENT ON COLUMN incident_domains.run_id IS 'Pivot run that found the domain (origin pivot).';
COMMENT ON COLUMN incident_domains.artifact_id IS 'Resilient artifact id, once known.';
COMMENT ON COLUMN incident_domains.created_at IS 'When the domain was claimed (database clock).';

CREATE INDEX incident_domains_run_idx ON incident_domains (run_id);

-- +goose Down
DROP TABLE incident_domains;
