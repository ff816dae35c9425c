-- Iris profiles: every Iris fetch is kept. The newest row per domain is the
-- profile cache; older rows are the history analysts can look back on.

-- +goose Up
CREATE TABLE iris_profiles (
    id                   bigserial   PRIMARY KEY,
    domain               text        NOT NULL CHECK (domain <> '' AND domain = lower(domain)),
    fetched_at           timestamptz NOT NULL DEFAULT now(),
    source               text        NOT NULL CHECK (source IN ('investigate', 'enrich')),
    found                boolean     NOT NULL,
    raw                  jsonb,
    risk_score           integer,
    proximity_score      integer,
    threat_profile_score integer,
    malware_score        integer,
    phishing_score       integer,
    spam_score           integer,
    tags                 text[]      NOT NULL DEFAULT '{}',
    create_date          date,
    expiration_date      date,
    registrar            text,
    registrant_org       text,
    active               boolean,
    tld                  text,
    first_ip             inet,
    country_code         text,
    data_updated_at      timestamptz
);

COMMENT ON TABLE iris_profiles IS 'Every Iris profile fetch (history); the newest row per domain is the cache.';
COMMENT ON COLUMN iris_profiles.domain IS 'Domain as queried, normalised: lower-case ASCII (IDNs in punycode), no trailing dot.';
COMMENT ON COLUMN iris_profiles.fetched_at IS 'When Iris answered (database clock unless the fetcher supplied it).';
COMMENT ON COLUMN iris_profiles.source IS 'Iris endpoint that answered: investigate or enrich.';
COMMENT ON COLUMN iris_profiles.found IS 'false = Iris had no data for the domain (listed in missing_domains): a negative cache entry.';
COMMENT ON COLUMN iris_profiles.raw IS 'The Iris result object exactly as received; NULL for a negative entry.';
COMMENT ON COLUMN iris_profiles.risk_score IS 'domain_risk.risk_score (0-100); NULL when Iris gave none.';
COMMENT ON COLUMN iris_profiles.proximity_score IS 'domain_risk component "proximity".';
COMMENT ON COLUMN iris_profiles.threat_profile_score IS 'domain_risk component "threat_profile".';
COMMENT ON COLUMN iris_profiles.malware_score IS 'domain_risk component "threat_profile_malware".';
COMMENT ON COLUMN iris_profiles.phishing_score IS 'domain_risk component "threat_profile_phishing".';
COMMENT ON COLUMN iris_profiles.spam_score IS 'domain_risk component "threat_profile_spam".';
COMMENT ON COLUMN iris_profiles.tags IS 'Labels of the Iris tags on the domain.';
COMMENT ON COLUMN iris_profiles.create_date IS 'create_date.value (registration date).';
COMMENT ON COLUMN iris_profiles.expiration_date IS 'expiration_date.value.';
COMMENT ON COLUMN iris_profiles.registrar IS 'registrar.value.';
COMMENT ON COLUMN iris_profiles.registrant_org IS 'registrant_org.value.';
COMMENT ON COLUMN iris_profiles.active IS 'active: whether Iris sees the domain as active.';
COMMENT ON COLUMN iris_profiles.tld IS 'tld.';
COMMENT ON COLUMN iris_profiles.first_ip IS 'ip[0].address.value: the first A-record address.';
COMMENT ON COLUMN iris_profiles.country_code IS 'ip[0].country_code.value.';
COMMENT ON COLUMN iris_profiles.data_updated_at IS 'data_updated_timestamp: when DomainTools last refreshed the data (read as UTC).';

-- Latest-by-domain is the cache lookup.
CREATE INDEX iris_profiles_domain_fetched_at_idx ON iris_profiles (domain, fetched_at DESC);
CREATE INDEX iris_profiles_tags_idx ON iris_profiles USING gin (tags);
CREATE INDEX iris_profiles_risk_score_idx ON iris_profiles (risk_score);
CREATE INDEX iris_profiles_fetched_at_idx ON iris_profiles (fetched_at);

-- +goose Down
DROP TABLE iris_profiles;
