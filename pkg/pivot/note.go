package pivot

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxNoteIncidents is how many other incidents a summary note names; the
// rest are counted ("and 12 more").
const MaxNoteIncidents = 20

// Found is a domain a pivot found, with its Iris risk score (nil when none).
type Found struct {
	Domain    string `json:"domain"`
	RiskScore *int   `json:"risk_score"`
}

// Summary is what one pivot run did for an incident; Note renders it as
// the run's one summary note.
type Summary struct {
	// Source is the domain whose profile offered the value.
	Source string
	// Type, Value and GuidedCount are the pivot.
	Type        string
	Value       string
	GuidedCount int
	// Total is how many domains Iris matched (total_count).
	Total int
	// Listed is how many of them the search read (fewer than Total when
	// the pivoter's result cap stopped it); 0 means all of them.
	Listed int
	// LimitExceeded is true when Iris refused the search as too large.
	LimitExceeded bool
	// New are the domains added to the incident as artifacts, in order.
	New []Found
	// Known is how many found domains the incident already had.
	Known int
	// Capped is how many new domains were not added because of the
	// per-pivot or per-incident artifact cap.
	Capped int
	// OtherIncidents are the org's other incidents that pivoted on the
	// same type and value.
	OtherIncidents []int64
}

// Note renders the summary as plain text (a Resilient "text" note). Plain
// text because Resilient shows it as written, and values (certificate
// subjects, page titles) would need escaping in HTML:
//
//	irisflow pivot on ssl_hash f17d5c… (from whoissuggest.com)
//	Guided count 4; Iris found 4 domains; 2 new, 2 already on the incident.
//	New domains (risk score):
//	  evil-1.example (87)
//	  evil-2.example (no score)
//	ssl_hash f17d5c… also seen in incidents 4211, 4302.
func (s Summary) Note() string {
	var b strings.Builder
	fmt.Fprintf(&b, "irisflow pivot on %s %s", s.Type, s.Value)
	if s.Source != "" {
		fmt.Fprintf(&b, " (from %s)", s.Source)
	}
	b.WriteByte('\n')
	if s.LimitExceeded {
		// Iris does not always say how many matched (total_count is absent
		// from its limit_exceeded answers).
		matches := "more domains match than one Iris search may return"
		if s.Total > 0 {
			matches = fmt.Sprintf("%s match, more than one Iris search may return", plural(s.Total, "domain"))
		}
		fmt.Fprintf(&b, "Guided count %d; %s; nothing added. Narrow it with Execute Pivots and %s or %s.\n",
			s.GuidedCount, matches, "dt_created_date", "dt_data_updated_after")
	} else {
		fmt.Fprintf(&b, "Guided count %d; Iris found %s", s.GuidedCount, plural(s.Total, "domain"))
		if s.Listed > 0 && s.Listed < s.Total {
			fmt.Fprintf(&b, " (the first %d read)", s.Listed)
		}
		fmt.Fprintf(&b, "; %d new, %d already on the incident", len(s.New), s.Known)
		if s.Capped > 0 {
			fmt.Fprintf(&b, "; %d more not added (artifact cap reached)", s.Capped)
		}
		b.WriteString(".\n")
	}
	if len(s.New) > 0 {
		b.WriteString("New domains (risk score):\n")
		for _, f := range s.New {
			score := "no score"
			if f.RiskScore != nil {
				score = strconv.Itoa(*f.RiskScore)
			}
			fmt.Fprintf(&b, "  %s (%s)\n", f.Domain, score)
		}
	}
	if len(s.OtherIncidents) > 0 {
		shown := s.OtherIncidents[:min(len(s.OtherIncidents), MaxNoteIncidents)]
		ids := make([]string, len(shown))
		for i, id := range shown {
			ids[i] = strconv.FormatInt(id, 10)
		}
		more := ""
		if n := len(s.OtherIncidents) - len(shown); n > 0 {
			more = fmt.Sprintf(" and %d more (irisflow pivots %s)", n, s.Value)
		}
		word := "incidents"
		if len(s.OtherIncidents) == 1 {
			word = "incident"
		}
		fmt.Fprintf(&b, "%s %s also seen in %s %s%s.\n", s.Type, s.Value, word, strings.Join(ids, ", "), more)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// NoPivotsNote is the note written when a domain has no actionable pivot
// (the seed's "No pivots found" script).
func NoPivotsNote(domain string, threshold int) string {
	return fmt.Sprintf("No pivots found for %s (no value shared by more than 1 and fewer than %d domains).", domain, threshold)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
