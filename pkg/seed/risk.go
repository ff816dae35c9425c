package seed

import (
	"strings"

	"github.com/irisflow/irisflow/pkg/iris"
)

// RiskInfo is the risk assessment of a domain, as "Extract Risk Score" and
// the Risk Score workflow use it.
type RiskInfo struct {
	// Score is the overall risk score; nil when Iris gave none.
	Score *int `json:"risk_score"`
	// Proximity is the proximity component (nil for zero-listed domains),
	// falling back to the legacy blacklist component.
	Proximity *int `json:"proximity_risk_score"`
	// ThreatProfile is the threat_profile component; nil when absent.
	ThreatProfile *int `json:"threat_profile_risk_score"`
	// Components maps every component name to its score.
	Components map[string]int `json:"components"`
	// Threats and Evidence gather the threat-profile components' lists,
	// without duplicates, in order of appearance.
	Threats  []string `json:"threats"`
	Evidence []string `json:"evidence"`
	// Zerolisted is true when DomainTools lists the domain as known good.
	Zerolisted bool `json:"zerolisted"`
}

// Risk extracts the risk assessment of r.
func Risk(r *iris.Result) RiskInfo {
	info := RiskInfo{Components: map[string]int{}, Threats: []string{}, Evidence: []string{}}
	if s, ok := r.RiskScore(); ok {
		info.Score = &s
	}
	for _, c := range r.DomainRisk.Components {
		info.Components[c.Name] = c.RiskScore
		info.Threats = appendNew(info.Threats, c.Threats...)
		info.Evidence = appendNew(info.Evidence, c.Evidence...)
	}
	if c, ok := r.Component(iris.ComponentProximity); ok {
		info.Proximity = &c.RiskScore
	} else if c, ok := r.Component(iris.ComponentBlacklistLegacy); ok {
		info.Proximity = &c.RiskScore
	}
	if c, ok := r.Component(iris.ComponentThreatProfile); ok {
		info.ThreatProfile = &c.RiskScore
	}
	_, info.Zerolisted = r.Component(iris.ComponentZerolist)
	return info
}

// HighRisk reports whether the overall score is at or above threshold (the
// seed app's "≥ 90" rule); false when there is no score.
func (ri RiskInfo) HighRisk(threshold int) bool {
	return ri.Score != nil && *ri.Score >= threshold
}

// Tags returns the labels of r's Iris tags (all) and those among them that
// match one of wanted, compared case-insensitively and without surrounding
// blanks (matched, in r's order, spelled as Iris spells them).
func Tags(r *iris.Result, wanted []string) (all, matched []string) {
	all = r.TagLabels()
	matched = []string{}
	for _, label := range all {
		for _, w := range wanted {
			if w = strings.TrimSpace(w); w != "" && strings.EqualFold(w, strings.TrimSpace(label)) {
				matched = append(matched, label)
				break
			}
		}
	}
	return all, matched
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, have := range list {
			if have == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}
