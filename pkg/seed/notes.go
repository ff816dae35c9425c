package seed

import "fmt"

// NoteNotFound is the seed app's note when Iris has no data for a domain;
// function replies keep it exact. Automatic mode writes NoteDomainNotFound,
// which names the domain.
const NoteNotFound = "Domain Not Found"

// NoteProfiled is the note the Profile workflow writes after a profile.
func NoteProfiled(domain string) string {
	return "Performed DomainTools Iris profile of " + domain
}

// NoteAdded is the note the Format workflow writes after adding the row.
func NoteAdded(domain string) string {
	return "Added " + domain + " to DomainTools Table"
}

// NoteHighRisk is the note of the Risk Score workflow for a domain at or
// above the threshold.
func NoteHighRisk(domain string, score int) string {
	return fmt.Sprintf("High Risk domain observed: %s, %d", domain, score)
}

// NoteDomainNotFound is the automatic playbook's not-found note: the seed's
// text, plus the domain and why.
func NoteDomainNotFound(domain string) string {
	return NoteNotFound + ": " + domain + " (DomainTools Iris has no data)"
}

// NoteTag is the automatic playbook's note for a configured Iris tag found
// on a domain.
func NoteTag(domain, label string) string {
	return "DomainTools Iris tag observed on " + domain + ": " + label
}
