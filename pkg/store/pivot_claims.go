package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// PivotClaim is the outcome of ClaimPivotDomains.
type PivotClaim struct {
	// Held are the domains the run holds for the incident, normalised, in
	// input order.
	Held []string
	// Known is how many candidates the incident had already (an analyst's
	// artifact, or found by another run).
	Known int
}

// ClaimPivotDomains is ClaimIncidentDomains for the domains one pivot run
// found, with the artifact caps applied atomically. ds are the candidates in
// order of preference, each with Origin OriginPivot and RunID set to runID.
// It returns, in input order, the domains the run holds for the incident
// (and how many candidates the incident already had):
//
//   - those runID claimed before (a redelivered invocation gets the same
//     run and so the same domains back, and can re-send their artifacts),
//   - then, while fewer than perRun are held and the incident has fewer
//     than perIncident pivot-found domains, candidates no one claimed yet.
//
// perRun or perIncident <= 0 means no cap. Concurrent claims for the same
// incident are serialised by a transaction-scoped advisory lock, so the
// incident cap holds across replicas.
func (s *Store) ClaimPivotDomains(ctx context.Context, org, incident, runID int64, ds []IncidentDomain, perRun, perIncident int) (PivotClaim, error) {
	var (
		domains []string
		depths  []int32
		seen    = make(map[string]bool, len(ds))
	)
	for _, d := range ds {
		n, err := NormalizeDomain(d.Domain)
		if err != nil {
			return PivotClaim{}, fmt.Errorf("store: claim pivot domains: %w", err)
		}
		if d.Depth < 1 {
			return PivotClaim{}, fmt.Errorf("store: claim pivot domains: %w: %s: a pivot find has depth >= 1, got %d", ErrInvalid, n, d.Depth)
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		domains = append(domains, n)
		depths = append(depths, int32(d.Depth))
	}
	var claim PivotClaim
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(format('incident_domains:%s:%s', $1::bigint, $2::bigint), 0))`,
			org, incident); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT domain FROM incident_domains
			WHERE org = $1 AND incident = $2 AND run_id = $3`, org, incident, runID)
		if err != nil {
			return err
		}
		ours, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		var total int
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FROM incident_domains
			WHERE org = $1 AND incident = $2 AND origin = $3`, org, incident, OriginPivot).Scan(&total); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FROM incident_domains
			WHERE org = $1 AND incident = $2 AND domain = ANY($3) AND run_id IS DISTINCT FROM $4`,
			org, incident, domains, runID).Scan(&claim.Known); err != nil {
			return err
		}
		room := len(domains)
		if perRun > 0 {
			room = min(room, perRun-len(ours))
		}
		if perIncident > 0 {
			room = min(room, perIncident-total)
		}
		var got []string
		if room > 0 {
			rows, err := tx.Query(ctx, `
				INSERT INTO incident_domains (org, incident, domain, depth, origin, run_id)
				SELECT $1, $2, t.domain, t.depth, $5, $6
				FROM unnest($3::text[], $4::int[]) WITH ORDINALITY AS t(domain, depth, ord)
				WHERE NOT EXISTS (SELECT 1 FROM incident_domains d
					WHERE d.org = $1 AND d.incident = $2 AND d.domain = t.domain)
				ORDER BY t.ord
				LIMIT $7
				ON CONFLICT (org, incident, domain) DO NOTHING
				RETURNING domain`, org, incident, domains, depths, OriginPivot, runID, room)
			if err != nil {
				return err
			}
			if got, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
				return err
			}
		}
		for _, d := range domains {
			if slices.Contains(ours, d) || slices.Contains(got, d) {
				claim.Held = append(claim.Held, d)
			}
		}
		return nil
	})
	if err != nil {
		return PivotClaim{}, fmt.Errorf("store: claim pivot domains: %w", err)
	}
	return claim, nil
}
