package irissim

import (
	"strings"
)

// Cluster is a group of synthetic domains run by one (imaginary) operator.
type Cluster struct {
	// ID numbers clusters from 1 in build order (built-in clusters first).
	ID int `json:"id"`
	// Domains are the members, sorted.
	Domains []string `json:"domains"`
	// Shared maps a pivot parameter to a value that every member carries
	// and no other domain does, so Matching(param, value) == Domains.
	Shared map[string]string `json:"shared"`
}

// universe draws n synthetic domains in clusters.
func (g *gen) universe(n, resultCap int) {
	giantBudget := n / 4
	for left := n; left > 0; {
		size := g.clusterSize(n, resultCap, &giantBudget)
		size = min(size, left)
		left -= size
		if size == 1 {
			r := &record{Name: g.benignName()}
			g.fill(r)
			g.recs = append(g.recs, r)
			continue
		}
		g.cluster(size, resultCap)
	}
}

func (g *gen) clusterSize(n, resultCap int, giantBudget *int) int {
	x := g.rng.Float64()
	switch {
	case n >= 4*resultCap && x < 0.01 && *giantBudget > resultCap:
		s := resultCap + 1 + g.intn(resultCap/5+1)
		*giantBudget -= s
		return s
	case x < 0.30:
		return 1
	case x < 0.80:
		return 2 + g.intn(19)
	case x < 0.97:
		return 21 + g.intn(130)
	default:
		return 400 + g.intn(201)
	}
}

// attribute modes of a cluster
const (
	modeNone = iota
	modeShared
	modeSplit // members split into groups, each group shares a value
)

func (g *gen) mode(pShared, pSplit float64) int {
	x := g.rng.Float64()
	switch {
	case x < pShared:
		return modeShared
	case x < pShared+pSplit:
		return modeSplit
	}
	return modeNone
}

// cluster builds one cluster of size members.
func (g *gen) cluster(size, resultCap int) {
	malicious := size < resultCap && g.chance(0.12)
	brand := pick(g, brands)
	var opName string
	for {
		opName = pick(g, adjectives) + pick(g, nouns) + g.digits(2) + "." + pick(g, []string{"net", "com", "org", "ru", "top"})
		if g.claim(opName) { // reserved: never a universe domain
			break
		}
	}
	plan := &clusterPlan{}
	for range size {
		var name string
		if malicious {
			name = g.lureName(brand)
		} else {
			name = g.benignName()
		}
		r := &record{Name: name}
		g.fill(r)
		plan.members = append(plan.members, r)
		g.recs = append(g.recs, r)
	}
	isp := g.isp()
	company := title(pick(g, adjectives)) + " " + title(pick(g, nouns)) + " " + pick(g, []string{"LLC", "Ltd", "GmbH", "Inc.", "OOO", "Co., Ltd."})
	siteTitle := company[:strings.LastIndexByte(company, ' ')] + " - Official Site"
	if malicious {
		siteTitle = "Sign in - " + title(brand) + " " + opName[:3]
	}
	large := size > 150
	type attr struct {
		mode  int
		apply func(grp []*record, gi int) []pair
	}
	attrs := []attr{
		{g.mode(0.45, 0.35), func(grp []*record, gi int) []pair {
			ip := g.newIP(isp.prefix)
			for _, r := range grp {
				r.IPs = []ipInfo{ipOf(isp, ip)}
				r.Active = true
			}
			return []pair{{pIP, ip}}
		}},
		{g.mode(0.4, 0.15), func(grp []*record, gi int) []pair {
			h1, h2 := sprintf("ns%d.%s", 2*gi+1, opName), sprintf("ns%d.%s", 2*gi+2, opName)
			ip1, ip2 := g.newIP(isp.prefix), g.newIP(isp.prefix)
			for _, r := range grp {
				r.NS = []hostInfo{{Host: h1, Domain: opName, IPs: []string{ip1}}, {Host: h2, Domain: opName, IPs: []string{ip2}}}
			}
			return []pair{{pNSHost, h1}, {pNSIP, ip1}, {pNSDomain, opName}}
		}},
		{g.mode(0.25, 0.15), func(grp []*record, gi int) []pair {
			h := sprintf("mx%d.%s", gi+1, opName)
			ip := g.newIP(isp.prefix)
			for _, r := range grp {
				r.MX = []hostInfo{{Host: h, Domain: opName, IPs: []string{ip}, Priority: 10}}
			}
			return []pair{{pMXHost, h}, {pMXIP, ip}, {pMXDomain, opName}}
		}},
		{g.mode(0.2, 0.25), func(grp []*record, gi int) []pair {
			var alt []string
			for _, r := range grp {
				alt = append(alt, r.Name)
			}
			org := ""
			if g.chance(0.5) {
				org = company
			}
			c := g.cert(sprintf("cert%d.%s", gi+1, opName), alt, org)
			if g.chance(0.3) {
				c.Emails = []string{sprintf("ssl%d@%s", gi+1, opName)}
			}
			for _, r := range grp {
				r.Certs = []cert{c}
			}
			ps := []pair{{pSSLHash, c.Hash}, {pSSLSubject, c.Subject}, {pSSLCommonName, c.CommonName}}
			if org != "" {
				ps = append(ps, pair{pSSLOrg, org})
			}
			if len(c.Emails) > 0 {
				ps = append(ps, pair{pSSLEmail, c.Emails[0]})
			}
			return ps
		}},
		{g.mode(0.3, 0.2), func(grp []*record, gi int) []pair {
			email := sprintf("admin%d@%s", gi+1, opName)
			who := g.person(opName, company, email)
			for _, r := range grp {
				r.Registrant, r.Admin, r.Technical = who, who, who
			}
			return []pair{{pRegistrantOrg, company}, {pEmail, email}, {pRegistrant, who.Name}}
		}},
		{g.mode(0.3, 0.2), func(grp []*record, gi int) []pair {
			email := sprintf("dns%d@%s", gi+1, opName)
			for _, r := range grp {
				r.SOAEmails = []string{email}
			}
			return []pair{{pEmailSOA, email}}
		}},
		{g.mode(0.12, 0.1), func(grp []*record, gi int) []pair {
			ga, ga4 := "UA-"+g.digits(8)+"-1", "G-"+strings.ToUpper(g.hex(10))
			for _, r := range grp {
				r.GA, r.GA4 = ga, []string{ga4}
			}
			return []pair{{pGA, ga}, {pGA4, ga4}}
		}},
		{g.mode(0.08, 0.05), func(grp []*record, gi int) []pair {
			ad := "pub-" + g.digits(16)
			for _, r := range grp {
				r.Adsense = ad
			}
			return []pair{{pAdsense, ad}}
		}},
		{g.mode(0.15, 0), func(grp []*record, gi int) []pair {
			for _, r := range grp {
				r.Title = siteTitle
			}
			return []pair{{pWebsiteTitle, siteTitle}}
		}},
	}
	if large { // bulk registrations: fewer shared hosts, more NS/registrant
		attrs[0].mode = modeSplit
	}
	hasShared := false
	for _, a := range attrs {
		hasShared = hasShared || a.mode == modeShared
	}
	if !hasShared {
		attrs[1].mode = modeShared
	}
	for _, a := range attrs {
		switch a.mode {
		case modeShared:
			plan.shared = append(plan.shared, a.apply(plan.members, 0)...)
		case modeSplit:
			g.split(plan.members, func(grp []*record, gi int) { a.apply(grp, gi) })
		}
	}
	if malicious {
		tags := pick(g, threatTags)
		for _, r := range plan.members {
			r.Risk = g.risk(true)
			if g.chance(0.8) {
				for _, l := range tags {
					r.Tags = append(r.Tags, tag{Label: l, Scope: "group", TaggedAt: g.tagTime(r)})
				}
			}
			if g.chance(0.3) {
				r.Redirect, r.RedirectDomain = "www."+plan.members[0].Name, plan.members[0].Name
			}
		}
	}
	g.plans = append(g.plans, plan)
}

// split partitions members (in random order) into groups of 2+ and calls
// apply on each; leftovers keep their own values.
func (g *gen) split(members []*record, apply func(grp []*record, gi int)) {
	order := g.rng.Perm(len(members))
	gi := 0
	for i := 0; i+1 < len(order); {
		n := 2 + g.intn(max(2, len(order)/3))
		n = min(n, len(order)-i)
		grp := make([]*record, 0, n)
		for _, k := range order[i : i+n] {
			grp = append(grp, members[k])
		}
		apply(grp, gi)
		gi++
		i += n
		if g.chance(0.2) { // leave one member out
			i++
		}
	}
}
