package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Search sort orders (SearchFilter.Sort).
const (
	SortRisk    = "risk"    // highest risk first (default), then domain
	SortDomain  = "domain"  // by domain
	SortFetched = "fetched" // newest fetch first
	SortCreated = "created" // newest registration first
)

// SortOrders lists the accepted SearchFilter.Sort values.
var SortOrders = []string{SortRisk, SortDomain, SortFetched, SortCreated}

// SearchFilter is an analyst's query over the newest profile of every
// domain Iris had data for. Zero fields do not filter; text filters match
// case-insensitively and exactly (Iris values, not substrings), except
// DomainLike. Every filter has an index (migration 00008).
type SearchFilter struct {
	// MinRisk keeps risk_score >= *MinRisk.
	MinRisk *int `json:"min_risk,omitempty"`
	// Tag keeps profiles carrying this Iris tag label (exact).
	Tag string `json:"tag,omitempty"`
	// Registrar is the registrar's name.
	Registrar string `json:"registrar,omitempty"`
	// Registrant is the registrant's name or organisation.
	Registrant string `json:"registrant,omitempty"`
	// Email is any e-mail of the profile: WHOIS contacts, SOA, SSL, additional.
	Email string `json:"email,omitempty"`
	// IP is any A-record address.
	IP string `json:"ip,omitempty"`
	// NameServer is any name server host.
	NameServer string `json:"name_server,omitempty"`
	// MX is any mail server host.
	MX string `json:"mx,omitempty"`
	// SSLHash is any SSL certificate's SHA-1 hash.
	SSLHash string `json:"ssl_hash,omitempty"`
	// TrackingCode is any analytics code (Google Analytics, AdSense, GA4,
	// GTM, Facebook, Hotjar, Baidu, Yandex, Matomo, StatCounter).
	TrackingCode string `json:"tracking_code,omitempty"`
	// CreatedAfter and CreatedBefore bound the registration date (inclusive,
	// UTC calendar dates).
	CreatedAfter  time.Time `json:"created_after,omitzero"`
	CreatedBefore time.Time `json:"created_before,omitzero"`
	// Incident keeps domains claimed for this Resilient incident (an
	// analyst's artifact or a pivot's find); Org narrows it to one org.
	Incident int64 `json:"incident,omitempty"`
	Org      int64 `json:"org,omitempty"`
	// FetchedSince keeps profiles fetched at or after it.
	FetchedSince time.Time `json:"fetched_since,omitzero"`
	// DomainLike is a SQL LIKE pattern on the domain (case-insensitive);
	// without % it matches anywhere in the domain.
	DomainLike string `json:"domain_like,omitempty"`
	// Sort is one of SortOrders; "" = SortRisk.
	Sort string `json:"sort,omitempty"`
	// Limit and Offset page the answer: Search caps Limit at 1000 (default
	// 100); SearchEach reads everything when Limit is 0.
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
}

// pivotKey is the key iris_pivot_keys gives a value of kind.
func pivotKey(kind, value string) string {
	return kind + ":" + strings.ToLower(strings.TrimSpace(value))
}

// where builds the conditions of f over alias p and their arguments.
func (f SearchFilter) where() (string, []any, error) {
	conds := []string{"p.found", `NOT EXISTS (SELECT 1 FROM iris_profiles n WHERE n.domain = p.domain
		AND (n.fetched_at > p.fetched_at OR (n.fetched_at = p.fetched_at AND n.id > p.id)))`}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.MinRisk != nil {
		conds = append(conds, "p.risk_score >= "+arg(*f.MinRisk))
	}
	if f.Tag != "" {
		conds = append(conds, "p.tags @> ARRAY["+arg(f.Tag)+"::text]")
	}
	if f.Registrar != "" {
		conds = append(conds, "lower(p.registrar) = lower("+arg(strings.TrimSpace(f.Registrar))+")")
	}
	var keys []string
	for _, k := range []struct{ kind, value string }{
		{"registrant", f.Registrant}, {"email", f.Email}, {"ip", f.IP}, {"ns", f.NameServer},
		{"mx", f.MX}, {"ssl", f.SSLHash}, {"track", f.TrackingCode},
	} {
		if strings.TrimSpace(k.value) != "" {
			keys = append(keys, pivotKey(k.kind, k.value))
		}
	}
	if len(keys) > 0 {
		conds = append(conds, "iris_pivot_keys(p.raw) @> "+arg(keys)+"::text[]")
	}
	if !f.CreatedAfter.IsZero() {
		conds = append(conds, "p.create_date >= "+arg(dateOrNil(&f.CreatedAfter))+"::date")
	}
	if !f.CreatedBefore.IsZero() {
		conds = append(conds, "p.create_date <= "+arg(dateOrNil(&f.CreatedBefore))+"::date")
	}
	if f.Incident != 0 {
		c := "EXISTS (SELECT 1 FROM incident_domains i WHERE i.domain = p.domain AND i.incident = " + arg(f.Incident)
		if f.Org != 0 {
			c += " AND i.org = " + arg(f.Org)
		}
		conds = append(conds, c+")")
	}
	if !f.FetchedSince.IsZero() {
		conds = append(conds, "p.fetched_at >= "+arg(f.FetchedSince))
	}
	if f.DomainLike != "" {
		like := strings.ToLower(f.DomainLike)
		if !strings.Contains(like, "%") {
			like = "%" + like + "%"
		}
		conds = append(conds, "p.domain LIKE "+arg(like))
	}
	return strings.Join(conds, "\n\t\t  AND "), args, nil
}

func (f SearchFilter) orderBy() (string, error) {
	switch f.Sort {
	case "", SortRisk:
		return "p.risk_score DESC NULLS LAST, p.domain", nil
	case SortDomain:
		return "p.domain", nil
	case SortFetched:
		return "p.fetched_at DESC, p.domain", nil
	case SortCreated:
		return "p.create_date DESC NULLS LAST, p.domain", nil
	}
	return "", fmt.Errorf("%w: sort %q (want one of %s)", ErrInvalid, f.Sort, strings.Join(SortOrders, ", "))
}

// query is the SELECT of f; limit < 0 means no limit.
func (f SearchFilter) query(limit int) (string, []any, error) {
	where, args, err := f.where()
	if err != nil {
		return "", nil, err
	}
	order, err := f.orderBy()
	if err != nil {
		return "", nil, err
	}
	if f.Offset < 0 {
		return "", nil, fmt.Errorf("%w: negative offset %d", ErrInvalid, f.Offset)
	}
	q := "SELECT " + profileSelect + "\n\t\tFROM iris_profiles p\n\t\tWHERE " + where + "\n\t\tORDER BY " + order
	if limit >= 0 {
		args = append(args, limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	if f.Offset > 0 {
		args = append(args, f.Offset)
		q += " OFFSET $" + strconv.Itoa(len(args))
	}
	return q, args, nil
}

// Search returns one page of the newest profiles matching f.
func (s *Store) Search(ctx context.Context, f SearchFilter) ([]Profile, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q, args, err := f.query(min(limit, 1000))
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Profile, error) { return scanProfile(r) })
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	return ps, nil
}

// SearchEach streams every profile matching f (f.Limit 0 = all, else at most
// f.Limit) to fn as the rows arrive, without holding the result set in
// memory; an error from fn stops the query and is returned.
func (s *Store) SearchEach(ctx context.Context, f SearchFilter, fn func(Profile) error) error {
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	q, args, err := f.query(limit)
	if err != nil {
		return fmt.Errorf("store: search each: %w", err)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: search each: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return fmt.Errorf("store: search each: scan: %w", err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: search each: %w", err)
	}
	return nil
}

// SearchCount is how many domains match f (ignoring Limit and Offset).
func (s *Store) SearchCount(ctx context.Context, f SearchFilter) (int64, error) {
	where, args, err := f.where()
	if err != nil {
		return 0, fmt.Errorf("store: search count: %w", err)
	}
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM iris_profiles p WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: search count: %w", err)
	}
	return n, nil
}
