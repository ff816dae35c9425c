package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Profile sources: the Iris endpoint that answered.
const (
	SourceInvestigate = "investigate"
	SourceEnrich      = "enrich"
)

// Profile is one Iris fetch of one domain: the raw result plus the columns
// analysts filter on. Pointer fields are nil when Iris gave no value.
type Profile struct {
	// Domain is normalised by the store (see NormalizeDomain).
	Domain string
	// FetchedAt is when Iris answered; zero on save means the database's now().
	FetchedAt time.Time
	// Source is SourceInvestigate or SourceEnrich.
	Source string
	// Found is false when Iris had no data for the domain (a negative cache entry).
	Found bool
	// Raw is the Iris result object as received; nil for a negative entry.
	Raw json.RawMessage
	// RiskScore is domain_risk.risk_score.
	RiskScore *int
	// ProximityScore … SpamScore are the domain_risk components of those names.
	ProximityScore, ThreatProfileScore, MalwareScore, PhishingScore, SpamScore *int
	// Tags are the labels of the domain's Iris tags.
	Tags []string
	// CreateDate and ExpirationDate are dates (UTC midnight).
	CreateDate, ExpirationDate *time.Time
	// Registrar, RegistrantOrg, TLD and CountryCode are Iris values; "" = none.
	Registrar, RegistrantOrg, TLD string
	// FirstIP is the first A-record address; "" = none, else a valid IP address.
	FirstIP string
	// CountryCode is the first address's country code.
	CountryCode string
	// Active is whether Iris sees the domain as active.
	Active *bool
	// DataUpdatedAt is Iris's data_updated_timestamp.
	DataUpdatedAt *time.Time
}

// profileColumns are written by SaveProfiles, in this order, after fetched_at.
var profileColumns = []string{
	"domain", "source", "found", "raw",
	"risk_score", "proximity_score", "threat_profile_score", "malware_score", "phishing_score", "spam_score",
	"tags", "create_date", "expiration_date", "registrar", "registrant_org", "active",
	"tld", "first_ip", "country_code", "data_updated_at",
}

// profileSelect reads a Profile in scanProfile's order from alias p.
const profileSelect = `p.domain, p.fetched_at, p.source, p.found, p.raw,
	p.risk_score, p.proximity_score, p.threat_profile_score, p.malware_score, p.phishing_score, p.spam_score,
	p.tags, p.create_date, p.expiration_date, coalesce(p.registrar, ''), coalesce(p.registrant_org, ''), p.active,
	coalesce(p.tld, ''), coalesce(host(p.first_ip), ''), coalesce(p.country_code, ''), p.data_updated_at`

func scanProfile(row pgx.Row) (Profile, error) {
	var p Profile
	err := row.Scan(&p.Domain, &p.FetchedAt, &p.Source, &p.Found, &p.Raw,
		&p.RiskScore, &p.ProximityScore, &p.ThreatProfileScore, &p.MalwareScore, &p.PhishingScore, &p.SpamScore,
		&p.Tags, &p.CreateDate, &p.ExpirationDate, &p.Registrar, &p.RegistrantOrg, &p.Active,
		&p.TLD, &p.FirstIP, &p.CountryCode, &p.DataUpdatedAt)
	return p, err
}

// SaveProfiles appends ps to the profile history in one COPY (one round trip
// for a 100-domain Iris answer; two inside a transaction when some rows carry
// FetchedAt and others do not). Every profile is validated first: on any
// invalid one nothing is written and the error (wrapping ErrInvalid) names it.
func (s *Store) SaveProfiles(ctx context.Context, ps []Profile) error {
	if len(ps) == 0 {
		return nil
	}
	var stamped, unstamped [][]any
	for i := range ps {
		p := ps[i] // normalised in the copy, not in the caller's slice
		row, err := profileRow(&p)
		if err != nil {
			return fmt.Errorf("store: save profiles: profile %d: %w", i, err)
		}
		if p.FetchedAt.IsZero() {
			unstamped = append(unstamped, row)
		} else {
			stamped = append(stamped, append([]any{p.FetchedAt}, row...))
		}
	}
	copyRows := func(ctx context.Context, db interface {
		CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error)
	}) error {
		if len(unstamped) > 0 {
			if _, err := db.CopyFrom(ctx, pgx.Identifier{"iris_profiles"}, profileColumns, pgx.CopyFromRows(unstamped)); err != nil {
				return err
			}
		}
		if len(stamped) > 0 {
			cols := append([]string{"fetched_at"}, profileColumns...)
			if _, err := db.CopyFrom(ctx, pgx.Identifier{"iris_profiles"}, cols, pgx.CopyFromRows(stamped)); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if len(stamped) > 0 && len(unstamped) > 0 {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return copyRows(ctx, tx) })
	} else {
		err = copyRows(ctx, s.pool)
	}
	if err != nil {
		return fmt.Errorf("store: save profiles: %w", err)
	}
	return nil
}

// profileRow validates p, normalises its domain in place and returns the
// values of profileColumns.
func profileRow(p *Profile) ([]any, error) {
	d, err := NormalizeDomain(p.Domain)
	if err != nil {
		return nil, err
	}
	p.Domain = d
	if p.Source != SourceInvestigate && p.Source != SourceEnrich {
		return nil, fmt.Errorf("%w: %s: source %q is neither %q nor %q", ErrInvalid, d, p.Source, SourceInvestigate, SourceEnrich)
	}
	var ip any
	if p.FirstIP != "" {
		a, err := netip.ParseAddr(p.FirstIP)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: first ip %q: %v", ErrInvalid, d, p.FirstIP, err)
		}
		ip = a
	}
	var raw any
	if len(p.Raw) > 0 {
		if !json.Valid(p.Raw) {
			return nil, fmt.Errorf("%w: %s: raw is not valid JSON", ErrInvalid, d)
		}
		raw = p.Raw
	}
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	return []any{
		d, p.Source, p.Found, raw,
		p.RiskScore, p.ProximityScore, p.ThreatProfileScore, p.MalwareScore, p.PhishingScore, p.SpamScore,
		tags, dateOrNil(p.CreateDate), dateOrNil(p.ExpirationDate), nilIfEmpty(p.Registrar), nilIfEmpty(p.RegistrantOrg), p.Active,
		nilIfEmpty(p.TLD), ip, nilIfEmpty(p.CountryCode), p.DataUpdatedAt,
	}, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateOrNil keeps the calendar date of t as seen in UTC.
func dateOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

// LatestProfiles returns, for each of domains that has one, its newest
// profile fetched no longer than maxAge ago by the database clock (maxAge <= 0:
// any age). Keys are normalised domains. Negative entries (Found false) are
// returned too: they are cached answers.
func (s *Store) LatestProfiles(ctx context.Context, domains []string, maxAge time.Duration) (map[string]Profile, error) {
	ds, err := normalizeAll(domains)
	if err != nil {
		return nil, fmt.Errorf("store: latest profiles: %w", err)
	}
	out := make(map[string]Profile, len(ds))
	if len(ds) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (p.domain) `+profileSelect+`
		FROM iris_profiles p
		WHERE p.domain = ANY($1)
		  AND ($2::bigint <= 0 OR p.fetched_at >= now() - $2::bigint * interval '1 microsecond')
		ORDER BY p.domain, p.fetched_at DESC, p.id DESC`,
		ds, maxAge.Microseconds())
	if err != nil {
		return nil, fmt.Errorf("store: latest profiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("store: latest profiles: scan: %w", err)
		}
		out[p.Domain] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: latest profiles: %w", err)
	}
	return out, nil
}

// ProfileHistory returns up to limit fetches of domain, newest first
// (limit <= 0: 50).
func (s *Store) ProfileHistory(ctx context.Context, domain string, limit int) ([]Profile, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, fmt.Errorf("store: profile history: %w", err)
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `
		SELECT `+profileSelect+`
		FROM iris_profiles p
		WHERE p.domain = $1
		ORDER BY p.fetched_at DESC, p.id DESC
		LIMIT $2`, d, limit)
	if err != nil {
		return nil, fmt.Errorf("store: profile history: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Profile, error) { return scanProfile(r) })
	if err != nil {
		return nil, fmt.Errorf("store: profile history: %w", err)
	}
	return ps, nil
}

// ProfileFilter selects profiles for SearchProfiles. Zero fields do not
// filter. Filters apply to each domain's newest profile only, so a domain
// whose risk has since dropped no longer matches MinRisk.
type ProfileFilter struct {
	// MinRisk keeps profiles with risk_score >= *MinRisk.
	MinRisk *int
	// Tag keeps profiles carrying this Iris tag label (exact).
	Tag string
	// Since keeps profiles fetched at or after Since.
	Since time.Time
	// DomainLike is a SQL LIKE pattern (% and _ wildcards, case-insensitive)
	// on the domain; without a % it matches anywhere in the domain.
	DomainLike string
	// Limit caps the answer (default 100, at most 1000).
	Limit int
}

// SearchProfiles returns the newest profile of each domain that matches f
// and that Iris had data for, highest risk first, then by domain.
func (s *Store) SearchProfiles(ctx context.Context, f ProfileFilter) ([]Profile, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	like := strings.ToLower(f.DomainLike)
	if like != "" && !strings.Contains(like, "%") {
		like = "%" + like + "%"
	}
	var since *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	rows, err := s.pool.Query(ctx, `
		SELECT `+profileSelect+`
		FROM (
			SELECT DISTINCT ON (domain) *
			FROM iris_profiles
			WHERE $1 = '' OR domain LIKE $1
			ORDER BY domain, fetched_at DESC, id DESC
		) p
		WHERE p.found
		  AND ($2::int IS NULL OR p.risk_score >= $2)
		  AND ($3 = '' OR p.tags @> ARRAY[$3::text])
		  AND ($4::timestamptz IS NULL OR p.fetched_at >= $4)
		ORDER BY p.risk_score DESC NULLS LAST, p.domain
		LIMIT $5`, like, f.MinRisk, f.Tag, since, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search profiles: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Profile, error) { return scanProfile(r) })
	if err != nil {
		return nil, fmt.Errorf("store: search profiles: %w", err)
	}
	return ps, nil
}
