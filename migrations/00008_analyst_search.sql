-- Analyst search (`irisflow search`, `irisflow export`, the console): an
-- index for every filter. The multi-valued Iris attributes (every IP, name
-- server, MX host, SSL certificate, e-mail, registrant and tracking code)
-- are read from the raw result by one immutable function into typed keys
-- ("ip:45.77.148.62", "email:a@b.example") that one GIN expression index
-- holds, so existing history is searchable without a backfill and the
-- enricher's write path is unchanged.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION iris_pivot_keys(raw jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
    SELECT coalesce(array_agg(DISTINCT k.kind || ':' || lower(btrim(k.value))), '{}')
    FROM (
        SELECT 'ip', jsonb_path_query(raw, '$.ip[*].address.value') #>> '{}'
        UNION ALL SELECT 'ns', jsonb_path_query(raw, '$.name_server[*].host.value') #>> '{}'
        UNION ALL SELECT 'mx', jsonb_path_query(raw, '$.mx[*].host.value') #>> '{}'
        UNION ALL SELECT 'ssl', jsonb_path_query(raw, '$.ssl_info[*].hash.value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.registrant_contact.email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.admin_contact.email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.technical_contact.email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.billing_contact.email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.soa_email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.ssl_email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.additional_whois_email[*].value') #>> '{}'
        UNION ALL SELECT 'email', jsonb_path_query(raw, '$.ssl_info[*].email[*].value') #>> '{}'
        UNION ALL SELECT 'registrant', jsonb_path_query(raw, '$.registrant_name.value') #>> '{}'
        UNION ALL SELECT 'registrant', jsonb_path_query(raw, '$.registrant_org.value') #>> '{}'
        UNION ALL SELECT 'registrant', jsonb_path_query(raw, '$.registrant_contact.name.value') #>> '{}'
        UNION ALL SELECT 'registrant', jsonb_path_query(raw, '$.registrant_contact.org.value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.google_analytics.value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.adsense.value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.ga4[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.gtm_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.fb_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.hotjar_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.baidu_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.yandex_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.matomo_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.statcounter_project_codes[*].value') #>> '{}'
        UNION ALL SELECT 'track', jsonb_path_query(raw, '$.statcounter_security_codes[*].value') #>> '{}'
    ) AS k(kind, value)
    WHERE coalesce(btrim(k.value), '') <> ''
$$;
-- +goose StatementEnd

COMMENT ON FUNCTION iris_pivot_keys(jsonb) IS 'Typed, lower-cased search keys of an Iris result: ip:, ns:, mx:, ssl:, email:, registrant:, track: followed by the value.';

CREATE INDEX iris_profiles_pivot_keys_idx ON iris_profiles USING gin (iris_pivot_keys(raw));
CREATE INDEX iris_profiles_lower_registrar_idx ON iris_profiles (lower(registrar));
CREATE INDEX iris_profiles_create_date_idx ON iris_profiles (create_date DESC NULLS LAST, domain);
CREATE INDEX iris_profiles_risk_desc_idx ON iris_profiles (risk_score DESC NULLS LAST, domain);
CREATE INDEX incident_domains_domain_idx ON incident_domains (domain);
CREATE INDEX incident_domains_incident_idx ON incident_domains (incident);

-- +goose Down
DROP INDEX incident_domains_incident_idx;
DROP INDEX incident_domains_domain_idx;
DROP INDEX iris_profiles_risk_desc_idx;
DROP INDEX iris_profiles_create_date_idx;
DROP INDEX iris_profiles_lower_registrar_idx;
DROP INDEX iris_profiles_pivot_keys_idx;
DROP FUNCTION iris_pivot_keys(jsonb);
