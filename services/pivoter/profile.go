package pivoter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// profile returns the Iris profile of domain: the stored one when younger
// than ProfileTTL (the enricher has usually just stored it), else Iris
// Investigate's, which is stored for the next reader. found is false when
// Iris has no data for the domain.
func (p *pivoter) profile(ctx context.Context, domain string) (r *iris.Result, found bool, err error) {
	cached, err := p.cfg.Store.LatestProfiles(ctx, []string{domain}, p.cfg.ProfileTTL)
	if err != nil {
		return nil, false, fmt.Errorf("profile %s: %w", domain, err)
	}
	if pr, ok := cached[domain]; ok && pr.Source == store.SourceInvestigate {
		if !pr.Found {
			return nil, false, nil
		}
		var res iris.Result
		if err := json.Unmarshal(pr.Raw, &res); err == nil {
			return &res, true, nil
		}
		// An undecodable stored profile: ask Iris again.
	}
	profiles, err := p.cfg.Iris.Investigate(ctx, []string{domain})
	if err != nil {
		return nil, false, fmt.Errorf("profile %s: %w", domain, err)
	}
	p.irisOK()
	res, ok := profiles.Get(domain)
	if err := p.cfg.Store.SaveProfiles(ctx, []store.Profile{storedProfile(domain, res, ok)}); err != nil {
		p.log.Warn("profile not saved", "domain", domain, "err", err)
	}
	return res, ok, nil
}

// storedProfile is the store row of an Investigate answer (Enrich results
// have no guided-pivot counts, so the pivoter never stores or reads them).
func storedProfile(domain string, r *iris.Result, found bool) store.Profile {
	p := store.Profile{Domain: domain, Source: store.SourceInvestigate, Found: found}
	if !found || r == nil {
		p.Found = false
		return p
	}
	p.Raw = r.Raw
	if len(p.Raw) == 0 {
		p.Raw, _ = json.Marshal(r)
	}
	if s, ok := r.RiskScore(); ok {
		p.RiskScore = &s
	}
	comp := func(name string) *int {
		if c, ok := r.Component(name); ok {
			v := c.RiskScore
			return &v
		}
		return nil
	}
	p.ProximityScore = comp(iris.ComponentProximity)
	p.ThreatProfileScore = comp(iris.ComponentThreatProfile)
	p.MalwareScore = comp(iris.ComponentMalware)
	p.PhishingScore = comp(iris.ComponentPhishing)
	p.SpamScore = comp(iris.ComponentSpam)
	p.Tags = r.TagLabels()
	if t, ok := r.Created(); ok {
		p.CreateDate = &t
	}
	if t, err := time.Parse(time.DateOnly, r.ExpirationDate.Value); err == nil {
		p.ExpirationDate = &t
	}
	p.Registrar, p.RegistrantOrg, p.TLD = r.Registrar.Value, r.RegistrantOrg.Value, r.TLD
	if ips := r.IPAddresses(); len(ips) > 0 {
		if _, err := netip.ParseAddr(ips[0]); err == nil {
			p.FirstIP = ips[0]
		}
		p.CountryCode = r.IP[0].CountryCode.Value
	}
	active := r.Active
	p.Active = &active
	if t, err := time.Parse("2006-01-02T15:04:05.999999", r.DataUpdatedTimestamp); err == nil {
		p.DataUpdatedAt = &t
	}
	return p
}
