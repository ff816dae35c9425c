// Package irissim is a stand-in for api.domaintools.com (Iris Investigate,
// Iris Enrich, account and risk) faithful enough that the production Iris
// client is tested against it and the demo and benchmarks run on it. It
// does not import pkg/iris: it builds its own JSON.
//
// # Endpoints
//
//   - /v1/iris-investigate/ (GET, POST form): domain lookup (domain=a,b,…,
//     ≤ MaxDomains, results in the order asked, unknown ones in
//     missing_domains) or pivot search (any base parameter of the vendor
//     spec; several are ANDed) with filters, paging and the result cap.
//     When domain is given, the request is a lookup and search parameters
//     are ignored; lookups are never paged.
//   - /v1/iris-enrich/ (GET, POST): domain lookup only; {value} objects
//     without count, no total_count and no has_more_results (as recorded
//     in 2022).
//   - /v1/account/: products iris-investigate and iris-enrich; limits are
//     strings: per_minute_limit always (PerMinute, DefaultPerMinute when
//     unset), per_hour_limit only when PerHour is set (else null, as the
//     recorded accounts); usage today/month counts answered queries.
//   - /v1/risk/?domain=: risk score and components of a synthetic domain.
//   - GET /_sim/counters (Counters as JSON), POST /_sim/reset. No auth.
//
// Every other path is a 404 error envelope. Paths are accepted with or
// without the trailing slash; the signature covers the path as requested.
//
// # Order of checks
//
// route (404) → method (405) → URI length (414, MaxURLBytes) → body size
// (413, MaxBodyBytes) → form parse (400) → injected Latency (a request
// whose context ends meanwhile is dropped and counted as Canceled) → auth
// (401 no credentials at all, 403 anything wrong, with the recorded
// message) → injected failures (FailNext: 500 or 503) → per-hour, then
// per-minute quota (503) → injected ErrorRate (500) → endpoint.
//
// # Decisions where the real service is unknown
//
//   - HMAC: the algorithm follows the signature length (64 hex SHA-256,
//     40 hex SHA-1; anything else 403); lower-case hex only. Timestamps:
//     RFC 3339 (Z or ±hh:mm), "±hhmm" offsets, or zone-less UTC; accepted
//     within ±MaxSkew of Now.
//   - Unknown parameters are ignored, as the real service appears to do;
//     a request that ends up with no base parameter is a 400, so a
//     misspelt pivot is never silently a full scan. Documented base
//     parameters the simulator has no data for (search_hash, whois,
//     historical_*, iana_id) are a 400 rather than a wrong answer. Bad
//     filter values (dates, numbers, booleans) are a 400.
//   - Searches are case-insensitive exact matches. data_updated_after
//     (YYYY-MM-DD) keeps domains updated at or after that day's start.
//     create_date and expiration_date take an optional >, >=, < or <=.
//   - Paging: results are in domain order (or sort_by with the domain as
//     tie-breaker), so pages never overlap or skip. position tokens are
//     32 hex characters, stateless, bound by a MAC to the query (every
//     parameter except auth, paging, format and telemetry); a token of
//     another query is a 400. page_size 1..MaxPageSize, else 400.
//   - Over the cap (total > ResultCap): HTTP 200, limit_exceeded true,
//     has_more_results true, "Maximum N returned - you may need to refine
//     your query.", error {code 413}, no results.
//   - Quota: fixed calendar-minute windows per (username, product); the
//     503 message mentions the rate limit. Account and risk are not
//     limited. Free queries and the one-hour free repeat are not modelled.
//   - ErrorRate: request n (counted from 1 over the server's life) fails
//     when splitmix64(Seed ^ n·φ) falls under the rate: the same sequence
//     of requests gives the same failures.
//
// # Data
//
// Three sources, in precedence order:
//
//  1. Built-in seed-guide domains (SeedDomains), always present and the
//     same whatever Seed: the DomainTools cluster of 155 domains whose
//     counts are those of the guide's auto-pivot note (ns1.domaintools.net
//     155, ASN 17318 111, ns1@domaintools.net 23, Domaintools LLC 9, SSL
//     org DomainTools 7, 199.30.228.112 4, EV cert f17d5cd4… 3), a
//     12-domain phishing cluster with int-chase.com, int-suntrust.com
//     (risk 100) and icloud.com-asia.info (all ≥ 90, tagged phishing),
//     equifaxbreachsettlement.com (risk 55, proximity 9, threat profile
//     55, rank 15021, Domains By Proxy) and thegreatwatermelonheist.blog
//     (low risk).
//  2. The synthetic universe: Universe more domains drawn from Seed in
//     clusters of 2–150 (some 400–600, giants over ResultCap when the
//     universe is at least 4×ResultCap) sharing IPs, name servers, mail
//     servers, certificates, registrants, SOA e-mails and tracker codes,
//     with common values (registrars, ISPs, DNS and mail providers,
//     privacy services, issuers) shared across clusters, per-domain noise
//     (count 1) and empty values (count 0). Dates are relative to the day
//     of Config.Now at New, so the same Seed on the same day gives the
//     same universe.
//  3. Recorded responses from FixturesDir, for domains the synthetic data
//     does not have (a synthetic profile wins: int-chase.com is served
//     consistent, not as recorded). Their counts are the recorded ones and
//     not consistent with the universe; they never match a search.
//
// Every count of a synthetic result is computed from the same index that
// answers searches and Matching, so count == len(Matching(param, value))
// for every counted field. Each counted field maps to one pivot
// parameter; fields with no documented pivot get a sim-only one (asn,
// isp_name, ip_country_code, contact_org/city/state/postal/country/fax,
// redirect, ssl_issuer_common_name, ssl_not_after, ssl_not_before), also
// accepted as search parameters. As in every recording, ssl alt_names and
// first_seen counts are 0 (alt names remain searchable by ssl_alt_names).
package irissim
