package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// How a domain came to an incident (DomainIncident.How).
const (
	HowArtifact    = "artifact"     // an artifact on the incident (an analyst's or a rule's)
	HowPivotFind   = "pivot find"   // found by a pivot run for the incident
	HowPivotSource = "pivot source" // pivoted on for the incident
)

// DomainIncident is one incident a domain appeared in.
type DomainIncident struct {
	Org      int64     `json:"org"`
	Incident int64     `json:"incident"`
	How      string    `json:"how"`
	At       time.Time `json:"at"`
}

// DomainIncidents lists the incidents domain appeared in, first appearance
// first: claimed for the incident (artifact or pivot find, incident_domains)
// or the source of a pivot run for it. One row per incident and way.
func (s *Store) DomainIncidents(ctx context.Context, domain string) ([]DomainIncident, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, fmt.Errorf("store: domain incidents: %w", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT org, incident, how, min(at) FROM (
			SELECT org, incident, CASE origin WHEN 'pivot' THEN $2 ELSE $3 END AS how, created_at AS at
			FROM incident_domains WHERE domain = $1
			UNION ALL
			SELECT org, incident, $4, run_at FROM pivot_runs WHERE source_domain = $1 AND incident <> 0
		) x
		GROUP BY org, incident, how
		ORDER BY min(at), org, incident, how`, d, HowPivotFind, HowArtifact, HowPivotSource)
	if err != nil {
		return nil, fmt.Errorf("store: domain incidents: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DomainIncident, error) {
		var di DomainIncident
		err := r.Scan(&di.Org, &di.Incident, &di.How, &di.At)
		return di, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: domain incidents: %w", err)
	}
	return out, nil
}
