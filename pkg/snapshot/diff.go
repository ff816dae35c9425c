package snapshot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

// Change is one difference between two consecutive snapshots of a domain:
// a single value that changed (From → To) or values added to and removed
// from a set.
type Change struct {
	// Field names what changed: "risk", "tags", "registrar", "create_date",
	// "expiration_date", "active", "country", "found", or a value kind
	// (ip, ns, mx, ssl, email, registrant, track).
	Field   string   `json:"field"`
	From    string   `json:"from,omitempty"`
	To      string   `json:"to,omitempty"`
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// String is the change as the CLI prints it: "risk 40 → 92",
// "ip +45.77.148.62 -10.0.0.1".
func (c Change) String() string {
	name := c.Field
	if n, ok := KindNames[c.Field]; ok {
		name = n
	}
	if c.Added == nil && c.Removed == nil {
		return fmt.Sprintf("%s %s → %s", name, orNone(c.From), orNone(c.To))
	}
	parts := []string{name}
	for _, a := range c.Added {
		parts = append(parts, "+"+a)
	}
	for _, r := range c.Removed {
		parts = append(parts, "-"+r)
	}
	return strings.Join(parts, " ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Diff lists what changed from older to newer, in a fixed field order;
// nil when nothing did.
func Diff(older, newer Facets) []Change {
	var out []Change
	one := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Field: field, From: from, To: to})
		}
	}
	set := func(field string, from, to []string) {
		added := minus(to, from)
		removed := minus(from, to)
		if added != nil || removed != nil {
			out = append(out, Change{Field: field, Added: added, Removed: removed})
		}
	}
	one("risk", intText(older.Risk), intText(newer.Risk))
	set("tags", older.Tags, newer.Tags)
	one("registrar", older.Registrar, newer.Registrar)
	one("create_date", older.CreateDate, newer.CreateDate)
	one("expiration_date", older.ExpiresDate, newer.ExpiresDate)
	one("active", boolText(older.Active), boolText(newer.Active))
	set("country", older.CountryCodes, newer.CountryCodes)
	for _, k := range Kinds {
		set(k, older.OfKind(k), newer.OfKind(k))
	}
	return out
}

func boolText(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// minus is the values of a not in b, in a's order; nil when none.
func minus(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// Step is one snapshot of a domain and what changed since the one before.
type Step struct {
	FetchedAt time.Time `json:"fetched_at"`
	Found     bool      `json:"found"`
	Facets    Facets    `json:"facets"`
	// Changes since the previous (older) snapshot; nil for the oldest and
	// when nothing changed.
	Changes []Change `json:"changes"`
}

// Changes turns a domain's history, newest first as the store returns it,
// into steps, newest first, each with its changes since the snapshot before
// it. A snapshot whose raw result does not decode is an error.
func Changes(history []store.Profile) ([]Step, error) {
	steps := make([]Step, len(history))
	for i, p := range history {
		f, err := Of(p)
		if err != nil {
			return nil, err
		}
		steps[i] = Step{FetchedAt: p.FetchedAt.UTC(), Found: p.Found, Facets: f}
	}
	for i := range len(steps) - 1 {
		newer, older := &steps[i], steps[i+1]
		if newer.Found != older.Found {
			newer.Changes = append(newer.Changes, Change{Field: "found", From: foundText(older.Found), To: foundText(newer.Found)})
		}
		if newer.Found && older.Found {
			newer.Changes = append(newer.Changes, Diff(older.Facets, newer.Facets)...)
		}
	}
	return steps, nil
}

func foundText(found bool) string {
	if found {
		return "in Iris"
	}
	return "not in Iris"
}
