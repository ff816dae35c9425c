package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// PivotRun is one pivot search run for an incident and the domains it found.
type PivotRun struct {
	// ID is assigned by RecordPivotRun.
	ID int64
	// Org and Incident are the Resilient ids the run was for; Incident 0 is
	// unknown (a function call that named no incident).
	Org, Incident int64
	// SourceDomain is the domain whose profile offered the value (normalised).
	SourceDomain string
	// Type is the Iris search parameter (ip, registrant_org, ssl_hash, …).
	Type string
	// Value is the value searched, as sent to Iris (not normalised).
	Value string
	// GuidedCount is the guided-pivot count shown on the source profile.
	GuidedCount int
	// ResultCount is Iris's total_count for the search.
	ResultCount int
	// LimitExceeded is true when Iris answered limit_exceeded.
	LimitExceeded bool
	// RunAt is when the run happened; zero on record means the database's now().
	RunAt time.Time
	// InvocationID is the invocation that asked for the run; required.
	InvocationID string
	// Results are the domains found.
	Results []PivotResult
}

// PivotResult is one domain a pivot found.
type PivotResult struct {
	// Domain is normalised by the store.
	Domain string `json:"domain"`
	// RiskScore is Iris's risk score for it, nil when none.
	RiskScore *int `json:"risk_score,omitempty"`
}

// RecordPivotRun stores r and its results in one transaction (results by
// COPY) and returns the run's id. It is idempotent on (InvocationID, Type,
// Value): a redelivered invocation gets the id of the run already recorded
// and writes nothing.
func (s *Store) RecordPivotRun(ctx context.Context, r PivotRun) (int64, error) {
	if r.InvocationID == "" {
		return 0, fmt.Errorf("store: record pivot run: %w: empty invocation id", ErrInvalid)
	}
	if r.Type == "" {
		return 0, fmt.Errorf("store: record pivot run: %w: empty pivot type", ErrInvalid)
	}
	src := r.SourceDomain
	if src != "" {
		var err error
		if src, err = NormalizeDomain(src); err != nil {
			return 0, fmt.Errorf("store: record pivot run: source domain: %w", err)
		}
	}
	results, err := normalizeResults(r.Results)
	if err != nil {
		return 0, fmt.Errorf("store: record pivot run: %w", err)
	}
	var runAt *time.Time
	if !r.RunAt.IsZero() {
		runAt = &r.RunAt
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO pivot_runs (org, incident, source_domain, pivot_type, pivot_value,
				guided_count, result_count, limit_exceeded, run_at, invocation_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), $10)
			ON CONFLICT (invocation_id, pivot_type, pivot_value) DO NOTHING
			RETURNING id`,
			r.Org, r.Incident, src, r.Type, r.Value,
			r.GuidedCount, r.ResultCount, r.LimitExceeded, runAt, r.InvocationID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			// Recorded already (redelivery): hand back that run.
			return tx.QueryRow(ctx, `
				SELECT id FROM pivot_runs
				WHERE invocation_id = $1 AND pivot_type = $2 AND pivot_value = $3`,
				r.InvocationID, r.Type, r.Value).Scan(&id)
		}
		if err != nil {
			return err
		}
		if len(results) == 0 {
			return nil
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"pivot_results"}, []string{"run_id", "domain", "risk_score"},
			pgx.CopyFromSlice(len(results), func(i int) ([]any, error) {
				return []any{id, results[i].Domain, results[i].RiskScore}, nil
			}))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: record pivot run: %w", err)
	}
	return id, nil
}

// normalizeResults normalises domains and keeps the first of duplicates.
func normalizeResults(rs []PivotResult) ([]PivotResult, error) {
	out := make([]PivotResult, 0, len(rs))
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		d, err := NormalizeDomain(r.Domain)
		if err != nil {
			return nil, fmt.Errorf("result: %w", err)
		}
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, PivotResult{Domain: d, RiskScore: r.RiskScore})
	}
	return out, nil
}

// OtherIncidentsWithPivot returns, sorted, the incidents of org other than
// excludeIncident that have a pivot run on the same type and value: the same
// infrastructure seen in other investigations. Runs of no known incident
// (0) are not incidents.
func (s *Store) OtherIncidentsWithPivot(ctx context.Context, org int64, typ, value string, excludeIncident int64) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT incident FROM pivot_runs
		WHERE org = $1 AND pivot_type = $2 AND pivot_value = $3 AND incident <> $4 AND incident <> 0
		ORDER BY incident`, org, typ, value, excludeIncident)
	if err != nil {
		return nil, fmt.Errorf("store: other incidents with pivot: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: other incidents with pivot: %w", err)
	}
	return ids, nil
}

// PivotRunsFor returns up to limit runs (newest first, default 50) whose
// source domain or found domain is query (normalised as a domain), or whose
// pivot value is query (trimmed, case-insensitively: Iris matches values
// so), each with its results (highest risk first). It answers
// `irisflow pivots QUERY`.
//
// An e-mail address is a pivot value only: it is not reduced to its domain
// (as NormalizeDomain would), so asking for an address does not list every
// run that found the address's domain.
func (s *Store) PivotRunsFor(ctx context.Context, query string, limit int) ([]PivotRun, error) {
	if limit <= 0 {
		limit = 50
	}
	query = strings.TrimSpace(query)
	dom := "" // matches no source or found domain
	if !strings.Contains(query, "@") {
		if d, err := NormalizeDomain(query); err == nil {
			dom = d
		}
	}
	rows, err := s.pool.Query(ctx, `
		SELECT r.id, r.org, r.incident, r.source_domain, r.pivot_type, r.pivot_value,
			r.guided_count, r.result_count, r.limit_exceeded, r.run_at, r.invocation_id
		FROM pivot_runs r
		JOIN (
			-- one index lookup each (an OR of the three scans the history)
			SELECT id FROM pivot_runs WHERE lower(pivot_value) = lower($2)
			UNION SELECT id FROM pivot_runs WHERE $1 <> '' AND source_domain = $1
			UNION SELECT run_id FROM pivot_results WHERE $1 <> '' AND domain = $1
		) hit ON hit.id = r.id
		ORDER BY r.run_at DESC, r.id DESC
		LIMIT $3`, dom, query, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pivot runs for: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PivotRun, error) {
		var r PivotRun
		err := row.Scan(&r.ID, &r.Org, &r.Incident, &r.SourceDomain, &r.Type, &r.Value,
			&r.GuidedCount, &r.ResultCount, &r.LimitExceeded, &r.RunAt, &r.InvocationID)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: pivot runs for: %w", err)
	}
	if len(runs) == 0 {
		return runs, nil
	}
	ids := make([]int64, len(runs))
	byID := make(map[int64]int, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
		byID[r.ID] = i
	}
	rows, err = s.pool.Query(ctx, `
		SELECT run_id, domain, risk_score FROM pivot_results
		WHERE run_id = ANY($1)
		ORDER BY run_id, risk_score DESC NULLS LAST, domain`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: pivot runs for: results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var res PivotResult
		if err := rows.Scan(&id, &res.Domain, &res.RiskScore); err != nil {
			return nil, fmt.Errorf("store: pivot runs for: results: %w", err)
		}
		i := byID[id]
		runs[i].Results = append(runs[i].Results, res)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pivot runs for: results: %w", err)
	}
	return runs, nil
}

// PivotSearch is one Iris pivot search answer, cached so that the same
// search within the TTL costs no Iris query.
type PivotSearch struct {
	// Type and Value are the Iris search parameter and value.
	Type, Value string
	// FiltersKey is a canonical form of extra filters sent with it ("" = none);
	// the caller builds it, e.g. sorted key=value pairs.
	FiltersKey string
	// FetchedAt is set by the database on save.
	FetchedAt time.Time
	// TotalCount is Iris's total_count.
	TotalCount int
	// LimitExceeded is true when Iris answered limit_exceeded.
	LimitExceeded bool
	// Results are the domains found, with risk.
	Results []PivotResult
}

// SavePivotSearch stores ps as the newest answer for its type, value and
// filters, stamped with the database clock.
func (s *Store) SavePivotSearch(ctx context.Context, ps PivotSearch) error {
	if ps.Type == "" {
		return fmt.Errorf("store: save pivot search: %w: empty pivot type", ErrInvalid)
	}
	results, err := normalizeResults(ps.Results)
	if err != nil {
		return fmt.Errorf("store: save pivot search: %w", err)
	}
	js, err := json.Marshal(results)
	if err != nil {
		return fmt.Errorf("store: save pivot search: encode results: %w", err)
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO pivot_searches (pivot_type, pivot_value, filters_key, total_count, limit_exceeded, results)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		ps.Type, ps.Value, ps.FiltersKey, ps.TotalCount, ps.LimitExceeded, js)
	if err != nil {
		return fmt.Errorf("store: save pivot search: %w", err)
	}
	return nil
}

// LatestPivotSearch returns the newest answer for the search saved no longer
// than maxAge ago by the database clock (maxAge <= 0: any age); false when
// there is none.
func (s *Store) LatestPivotSearch(ctx context.Context, typ, value, filtersKey string, maxAge time.Duration) (*PivotSearch, bool, error) {
	ps := PivotSearch{Type: typ, Value: value, FiltersKey: filtersKey}
	var js []byte
	err := s.pool.QueryRow(ctx, `
		SELECT fetched_at, total_count, limit_exceeded, results
		FROM pivot_searches
		WHERE pivot_type = $1 AND pivot_value = $2 AND filters_key = $3
		  AND ($4::bigint <= 0 OR fetched_at >= now() - $4::bigint * interval '1 microsecond')
		ORDER BY fetched_at DESC, id DESC
		LIMIT 1`, typ, value, filtersKey, maxAge.Microseconds()).
		Scan(&ps.FetchedAt, &ps.TotalCount, &ps.LimitExceeded, &js)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: latest pivot search: %w", err)
	}
	if err := json.Unmarshal(js, &ps.Results); err != nil {
		return nil, false, fmt.Errorf("store: latest pivot search: decode results: %w", err)
	}
	return &ps, true, nil
}

// Incident-domain origins.
const (
	OriginAnalyst = "analyst" // an artifact added in Resilient
	OriginPivot   = "pivot"   // found by an irisflow pivot
)

// IncidentDomain is a domain claimed for an incident and how it got there.
type IncidentDomain struct {
	// Domain is normalised by the store.
	Domain string
	// Depth is 0 for an analyst's artifact, the parent's depth + 1 for a pivot find.
	Depth int
	// Origin is OriginAnalyst or OriginPivot.
	Origin string
	// RunID is the pivot run that found it, nil for an analyst's artifact.
	RunID *int64
	// ArtifactID is the Resilient artifact id when known.
	ArtifactID *int64
	// CreatedAt is set by the database when claimed.
	CreatedAt time.Time
}

// ClaimIncidentDomains records ds for the incident, skipping domains the
// incident already has, and returns the newly claimed domains (normalised,
// in input order). It is one INSERT … ON CONFLICT DO NOTHING, so among
// concurrent claimers each domain is claimed by exactly one.
func (s *Store) ClaimIncidentDomains(ctx context.Context, org, incident int64, ds []IncidentDomain) ([]string, error) {
	var (
		domains  []string
		depths   []int32
		origins  []string
		runs     []*int64
		artifact []*int64
		seen     = make(map[string]bool, len(ds))
	)
	for _, d := range ds {
		n, err := NormalizeDomain(d.Domain)
		if err != nil {
			return nil, fmt.Errorf("store: claim incident domains: %w", err)
		}
		if d.Origin != OriginAnalyst && d.Origin != OriginPivot {
			return nil, fmt.Errorf("store: claim incident domains: %w: %s: origin %q is neither %q nor %q",
				ErrInvalid, n, d.Origin, OriginAnalyst, OriginPivot)
		}
		if d.Depth < 0 {
			return nil, fmt.Errorf("store: claim incident domains: %w: %s: negative depth %d", ErrInvalid, n, d.Depth)
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		domains = append(domains, n)
		depths = append(depths, int32(d.Depth))
		origins = append(origins, d.Origin)
		runs = append(runs, d.RunID)
		artifact = append(artifact, d.ArtifactID)
	}
	if len(domains) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `
		INSERT INTO incident_domains (org, incident, domain, depth, origin, run_id, artifact_id)
		SELECT $1, $2, t.domain, t.depth, t.origin, t.run_id, t.artifact_id
		FROM unnest($3::text[], $4::int[], $5::text[], $6::bigint[], $7::bigint[])
			AS t(domain, depth, origin, run_id, artifact_id)
		ON CONFLICT (org, incident, domain) DO NOTHING
		RETURNING domain`, org, incident, domains, depths, origins, runs, artifact)
	if err != nil {
		return nil, fmt.Errorf("store: claim incident domains: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: claim incident domains: %w", err)
	}
	claimed := slices.DeleteFunc(domains, func(d string) bool { return !slices.Contains(got, d) })
	return claimed, nil
}

// IncidentDomain looks up a domain claimed for an incident; false when the
// incident does not have it.
func (s *Store) IncidentDomain(ctx context.Context, org, incident int64, domain string) (*IncidentDomain, bool, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, false, fmt.Errorf("store: incident domain: %w", err)
	}
	var id IncidentDomain
	err = s.pool.QueryRow(ctx, `
		SELECT domain, depth, origin, run_id, artifact_id, created_at
		FROM incident_domains WHERE org = $1 AND incident = $2 AND domain = $3`, org, incident, d).
		Scan(&id.Domain, &id.Depth, &id.Origin, &id.RunID, &id.ArtifactID, &id.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: incident domain: %w", err)
	}
	return &id, true, nil
}

// PivotDepth is a domain's pivot depth on an incident, the one rule both
// the enricher's playbook and the pivoter check the depth limit with: the
// larger of the depth its work carries (Invocation.Depth, AutoPivot.Depth)
// and the depth recorded when the incident got the domain. known says
// whether the incident has the domain.
func (s *Store) PivotDepth(ctx context.Context, org, incident int64, domain string, workDepth int) (depth int, known bool, err error) {
	rec, known, err := s.IncidentDomain(ctx, org, incident, domain)
	if err != nil {
		return 0, false, fmt.Errorf("store: pivot depth: %w", err)
	}
	if known {
		return max(workDepth, rec.Depth), true, nil
	}
	return workDepth, false, nil
}

// SetIncidentArtifact records the Resilient artifact created for a claimed
// domain (ErrNotFound when the incident does not have the domain).
func (s *Store) SetIncidentArtifact(ctx context.Context, org, incident int64, domain string, artifactID int64) error {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return fmt.Errorf("store: set incident artifact: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE incident_domains SET artifact_id = $4
		WHERE org = $1 AND incident = $2 AND domain = $3`, org, incident, d, artifactID)
	if err != nil {
		return fmt.Errorf("store: set incident artifact: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: set incident artifact: %s in incident %d: %w", d, incident, ErrNotFound)
	}
	return nil
}
