package iris

import "time"

// RiskScore returns the overall risk score and whether Iris gave one.
func (r *Result) RiskScore() (int, bool) { return r.DomainRisk.RiskScore.Get() }

// Component returns the risk component with the given name (see the
// Component* constants).
func (r *Result) Component(name string) (RiskComponent, bool) {
	for _, c := range r.DomainRisk.Components {
		if c.Name == name {
			return c, true
		}
	}
	return RiskComponent{}, false
}

// TagLabels returns the labels of the result's tags, in order.
func (r *Result) TagLabels() []string {
	out := make([]string, 0, len(r.Tags))
	for _, t := range r.Tags {
		out = append(out, t.Label)
	}
	return out
}

// Created returns the registration date, when known and well formed.
func (r *Result) Created() (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, r.CreateDate.Value)
	return t, err == nil
}

// IPAddresses returns the A-record addresses, in order.
func (r *Result) IPAddresses() []string {
	out := make([]string, 0, len(r.IP))
	for _, ip := range r.IP {
		if ip.Address.Value != "" {
			out = append(out, ip.Address.Value)
		}
	}
	return out
}
