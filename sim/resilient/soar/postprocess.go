package soarsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file is the seed app's post-process scripts, in one place so that the
// output keys can be aligned with the enricher and pivoter easily. The keys
// are the seed guide's: profile → dt_iris_data and domain; format → a flat
// map keyed by display labels; discover → dt_pivot_data; execute → pivots.

// Output keys of the functions' results.content.
const (
	outIrisData  = "dt_iris_data"
	outDomain    = "domain"
	outPivotData = "dt_pivot_data"
	outPivots    = "pivots"
)

// riskKeys are tried in order to read Extract Risk Score's score.
var riskKeys = []string{"risk_score", "dt_risk_score", "overall_risk_score", "Overall Risk Score"}

// tagKeys are tried in order to read Check Domain Tags' matched tags.
var tagKeys = []string{"tags", "dt_tags", "matched_tags"}

// HighRiskThreshold is the score from which "Check Domain Risk Score" notes a domain.
const HighRiskThreshold = 90

// columnLabels maps the format output labels to domaintools_results columns.
var columnLabels = map[string]string{
	"Domain Name": "domain_name", "Retrieval Date": "retrieval_date", "Age": "age",
	"Overall Risk Score": "overall_risk_score", "Proximity Risk Score": "proximity_risk_score",
	"Threat Profile Risk Score": "threat_profile_risk_score", "Website Response Code": "website_response_code",
	"IP Country Code": "ip_country_code", "Alexa": "alexa", "Registrant Name": "registrant_name",
	"Registrant Org": "registrant_org", "Registrant Contact": "registrant_contact", "SOA Email": "soa_email",
	"SSL Certificate Email": "ssl_certificate_email", "Admin Contact": "admin_contact",
	"Technical Contact": "technical_contact", "Billing Contact": "billing_contact",
	"Email Domains": "email_domains", "Additional Whois Emails": "additional_whois_emails",
	"Domain Registrar": "domain_registrar", "Registrar Status": "registrar_status",
	"Domain Status": "domain_status", "Create Date": "created_date", "Expiration Date": "expiration_date",
	"IP Addresses": "ip_addresses", "Mail Servers": "mail_servers", "SPF Record": "spf_record",
	"Name Servers": "name_servers", "SSL Certificate": "ssl_certificate", "Redirects To": "redirects_to",
	"Google Adsense Tracking Code":   "google_adsense_tracking_code",
	"Google Analytics Tracking Code": "google_analytics_tracking_code",
}

// Note texts of the seed scripts.
func noteProfiled(domain string) string { return "Performed DomainTools Iris profile of " + domain }
func noteAdded(domain string) string    { return fmt.Sprintf("Added %s to DomainTools Table", domain) }
func noteHighRisk(domain string, score float64) string {
	return fmt.Sprintf("High Risk domain observed: %s, %s", domain, strconv.FormatFloat(score, 'f', -1, 64))
}
func noteTagged(domain string, tags []string) string {
	return fmt.Sprintf("Tagged domain observed: %s, %s", domain, strings.Join(tags, ", "))
}
func notePivotHeader(pivotType string) string {
	return fmt.Sprintf("New Domains discovered from %s - Iris Pivot Function", pivotType)
}
func notePivotDomain(domain string) string {
	return fmt.Sprintf("DNS Name, %s, pivot from Iris", domain)
}

const (
	noteNotFound = "Domain Not Found"
	noteNoPivots = "No pivots found"
)

// rowCells maps a format result to data-table cells; ok is false when the
// result holds no domain ("Domain Not Found").
func rowCells(content map[string]any) (cells map[string]any, domain string, ok bool) {
	domain, _ = content["Domain Name"].(string)
	if domain == "" {
		return nil, "", false
	}
	cells = map[string]any{}
	for label, col := range columnLabels {
		if v, ok := content[label]; ok && v != nil {
			cells[col] = v
		}
	}
	return cells, domain, true
}

// irisDataString is the dt_iris_data output as the string the next
// function's dt_iris_data_in takes.
func irisDataString(content map[string]any) string {
	switch v := content[outIrisData].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func riskScore(content map[string]any) (float64, bool) {
	for _, k := range riskKeys {
		if f, ok := number(content[k]); ok {
			return f, true
		}
	}
	return 0, false
}

func matchedTags(content map[string]any) []string {
	for _, k := range tagKeys {
		switch v := content[k].(type) {
		case []any:
			var out []string
			for _, t := range v {
				switch x := t.(type) {
				case string:
					out = append(out, x)
				case map[string]any:
					if l, ok := x["label"].(string); ok {
						out = append(out, l)
					}
				}
			}
			if len(out) > 0 {
				return out
			}
		case string:
			if v != "" {
				return []string{v}
			}
		}
	}
	return nil
}

// pivotCandidates picks, for each pivot type the Auto Pivot workflow uses
// (ssl_hash, ip, email), the values of the discovered pivot data: the
// discovered map is value → count, so a value is matched to a type by its
// shape (40-hex SSL hash, dotted IPv4, e-mail). An already-typed form
// {"ssl_hash": [...], ...} is used as is.
func pivotCandidates(data any) map[string][]string {
	out := map[string][]string{}
	m, ok := data.(map[string]any)
	if !ok {
		return out
	}
	for _, t := range []string{"ssl_hash", "ip", "email"} {
		if list, ok := m[t].([]any); ok {
			for _, v := range list {
				if s, ok := v.(string); ok {
					out[t] = append(out[t], s)
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, v := range keys {
		switch {
		case isHex40(v):
			out["ssl_hash"] = append(out["ssl_hash"], v)
		case isIPv4(v):
			out["ip"] = append(out["ip"], v)
		case strings.Count(v, "@") == 1 && !strings.ContainsAny(v, " ,="):
			out["email"] = append(out["email"], v)
		}
	}
	return out
}

func isHex40(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 {
			return false
		}
	}
	return true
}

func stringList(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
