package enricher

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// storeProfile turns an Iris result into the profile row the store keeps:
// the raw result plus the columns analysts filter on.
func storeProfile(domain string, r *iris.Result) (store.Profile, error) {
	p := store.Profile{Domain: domain, Source: store.SourceInvestigate, Found: true}
	raw := r.Raw
	if len(raw) == 0 {
		b, err := json.Marshal(r)
		if err != nil {
			return p, fmt.Errorf("encode iris result of %s: %w", domain, err)
		}
		raw = b
	}
	p.Raw = raw
	if s, ok := r.RiskScore(); ok {
		p.RiskScore = &s
	}
	score := func(name string) *int {
		if c, ok := r.Component(name); ok {
			return &c.RiskScore
		}
		return nil
	}
	p.ProximityScore = score(iris.ComponentProximity)
	p.ThreatProfileScore = score(iris.ComponentThreatProfile)
	p.MalwareScore = score(iris.ComponentMalware)
	p.PhishingScore = score(iris.ComponentPhishing)
	p.SpamScore = score(iris.ComponentSpam)
	p.Tags = r.TagLabels()
	if t, ok := r.Created(); ok {
		p.CreateDate = &t
	}
	if t, err := time.Parse(time.DateOnly, r.ExpirationDate.Value); err == nil {
		p.ExpirationDate = &t
	}
	p.Registrar = r.Registrar.Value
	p.RegistrantOrg = r.RegistrantOrg.Value
	p.TLD = r.TLD
	for _, ip := range r.IP {
		if a, err := netip.ParseAddr(ip.Address.Value); err == nil {
			p.FirstIP = a.String()
			p.CountryCode = ip.CountryCode.Value
			break
		}
	}
	active := r.Active
	p.Active = &active
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", r.DataUpdatedTimestamp); err == nil {
		p.DataUpdatedAt = &t
	}
	return p, nil
}

// negativeProfile is the cache entry of a domain Iris has no data for.
func negativeProfile(domain string) store.Profile {
	return store.Profile{Domain: domain, Source: store.SourceInvestigate, Found: false}
}
