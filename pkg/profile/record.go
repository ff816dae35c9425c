package profile

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// ToStore turns an Iris Investigate result into the profile row the store
// keeps: the raw result plus the columns analysts filter on.
func ToStore(domain string, r *iris.Result) (store.Profile, error) {
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

// Negative is the cache entry of a domain Iris has no data for.
func Negative(domain string) store.Profile {
	return store.Profile{Domain: domain, Source: store.SourceInvestigate, Found: false}
}

// FromStore turns a stored Investigate profile into an answer, Cached, with
// its age at now. Only Investigate rows answer (Enrich results carry no
// guided-pivot counts): any other source, or a row whose raw result does
// not decode, is an error and the domain is asked again.
func FromStore(sp store.Profile, now time.Time) (Answer, error) {
	a := Answer{Domain: sp.Domain, FetchedAt: sp.FetchedAt, Cached: true, Age: max(now.Sub(sp.FetchedAt), 0)}
	if sp.Source != store.SourceInvestigate {
		return a, fmt.Errorf("cached profile of %s: source %q is not %q", sp.Domain, sp.Source, store.SourceInvestigate)
	}
	if !sp.Found {
		return a, nil
	}
	var r iris.Result
	if err := json.Unmarshal(sp.Raw, &r); err != nil {
		return a, fmt.Errorf("decode cached profile of %s: %w", sp.Domain, err)
	}
	a.Result = &r
	return a, nil
}
