package irissim

import (
	"time"
)

// builtinSeed makes the seed-guide domains identical whatever Config.Seed.
const builtinSeed = 4206

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic("irissim: bad built-in date " + s) // constant input
	}
	return t
}

// SeedDomains are the domains of the DomainTools Resilient app guide; they
// are always served, with or without a universe.
var SeedDomains = []string{
	"int-chase.com", "thegreatwatermelonheist.blog", "icloud.com-asia.info",
	"equifaxbreachsettlement.com", "int-suntrust.com", "whoissuggest.com",
	"whoisapi.com", "usb.vn", "domaintools.com",
}

// builtins adds the seed-guide domains in three small clusters and two
// lone domains. Their fields not fixed here are drawn from g (seeded with
// builtinSeed), so their counts stay consistent with the universe.
func (g *gen) builtins() {
	g.domainToolsCluster()
	g.phishCluster()

	eq := &record{Name: "equifaxbreachsettlement.com"}
	g.claim(eq.Name)
	g.fill(eq)
	eq.Created, eq.Expires, eq.FirstSeen = day("2019-06-12"), day("2026-06-12"), day("2019-06-12")
	eq.Active = true
	eq.Registrar = "GoDaddy.com, LLC"
	eq.AdditionalEmails = []string{"abuse@godaddy.com"}
	eq.Registrant = g.privacy(1, eq.Name)
	eq.Admin, eq.Technical = eq.Registrant, eq.Registrant
	eq.IPs = []ipInfo{ipOf(isps[1], g.newIP(isps[1].prefix))}
	eq.NS = g.nsPair(nsProviders[0])
	eq.Alexa, eq.Rank = 15021, 15021
	eq.Risk = fixedRisk(9, 12, 55, 20, "domain name")
	eq.WebsiteResponse = 0 // the guide shows "—"
	eq.Tags = nil
	g.recs = append(g.recs, eq)

	wm := &record{Name: "thegreatwatermelonheist.blog"}
	g.claim(wm.Name)
	g.fill(wm)
	wm.Created, wm.Expires, wm.FirstSeen = day("2018-07-04"), day("2027-07-04"), day("2018-07-05")
	wm.Active, wm.WebsiteResponse, wm.Title, wm.Server = true, 200, "The Great Watermelon Heist", "nginx"
	wm.Risk = fixedRisk(3, 1, 2, 4)
	wm.Tags, wm.Redirect, wm.RedirectDomain = nil, "", ""
	if len(wm.IPs) == 0 {
		wm.IPs = []ipInfo{ipOf(isps[0], g.newIP(isps[0].prefix))}
	}
	g.recs = append(g.recs, wm)
}

var dtISP = ispInfo{name: "DomainTools, LLC", asn: 17318, country: "us", prefix: [2]byte{199, 30}}

// domainToolsCluster reproduces the guide's auto-pivot counts for
// whoissuggest.com: ns1/ns2.domaintools.net, domaintools.net,
// 199.30.228.28 and 216.145.16.138: 155; ASN 17318: 111;
// ns1@domaintools.net: 23; "Domaintools LLC": 9; SSL org "DomainTools": 7;
// 199.30.228.112: 4; the EV certificate hash and subject: 3.
func (g *gen) domainToolsCluster() {
	names := []string{"domaintools.com", "whoisapi.com", "whoissuggest.com", "usb.vn",
		"domaintools.net", "dnsdb.info", "domaintools.org", "reversewhois.io", "whois.sc"}
	for _, n := range names {
		g.claim(n)
	}
	patterns := []string{"%swhois.com", "whois%s.net", "%s-dns.info", "dt%s.com"}
	for i := 0; len(names) < 155; i++ {
		n := sprintf(patterns[i%len(patterns)], nouns[(i/len(patterns))%len(nouns)])
		if g.claim(n) {
			names = append(names, n)
		}
	}
	ev := cert{
		Hash: "f17d5cd44c5e55827e7c4efd8896845e62e35b02",
		Subject: "OU=COMODO EV Multi-Domain SSL,OU=TechOps,O=DomainTools,street=2101 4th Ave,street=Suite 1150," +
			"L=Seattle,ST=Washington,postalCode=98121,C=US,businessCategory=Private Organization," +
			"jurisdictionST=Washington,jurisdictionC=US,serialNumber=4710432",
		Org: "DomainTools", Emails: nil,
		AltNames:   []string{"domaintools.com", "www.domaintools.com", "whoisapi.com", "whoissuggest.com"},
		CommonName: "domaintools.com", IssuerCN: "COMODO RSA Extended Validation Secure Server CA",
		NotBefore: 20190301, NotAfter: 20210301, Duration: 731, SeenActive: 1565568000000,
	}
	dtOwner := contact{Name: "Domain Administrator", Org: "Domaintools LLC", Street: "2101 4th Ave Suite 1150",
		City: "Seattle", State: "WA", Postal: "98121", Country: "us", Phone: "12063739300",
		Emails: []string{"memberservices@domaintools.com"}}
	plan := &clusterPlan{shared: []pair{{pNSHost, "ns1.domaintools.net"}, {pNSDomain, "domaintools.net"}, {pNSIP, "199.30.228.28"}}}
	for i, n := range names {
		r := &record{Name: n}
		g.fill(r)
		r.NS = []hostInfo{
			{Host: "ns1.domaintools.net", Domain: "domaintools.net", IPs: []string{"199.30.228.28"}},
			{Host: "ns2.domaintools.net", Domain: "domaintools.net", IPs: []string{"216.145.16.138"}},
		}
		r.Active = true
		switch {
		case i < 4:
			r.IPs = []ipInfo{ipOf(dtISP, "199.30.228.112")}
		case i < 111:
			r.IPs = []ipInfo{ipOf(dtISP, g.newIP(dtISP.prefix))}
		default:
			isp := isps[g.intn(2)]
			r.IPs = []ipInfo{ipOf(isp, g.newIP(isp.prefix))}
		}
		if i < 23 {
			r.SOAEmails = []string{"ns1@domaintools.net"}
		} else {
			r.SOAEmails = []string{"hostmaster@" + n}
		}
		if i < 9 {
			r.Registrar, r.AdditionalEmails = "eNom, LLC", []string{"abuse@enom.com"}
			r.Registrant, r.Admin, r.Technical = dtOwner, dtOwner, dtOwner
		}
		switch {
		case i < 3:
			r.Certs = []cert{ev}
		case i < 7:
			r.Certs = []cert{g.cert(n, []string{n, "www." + n}, "DomainTools")}
		}
		r.Risk = g.risk(false)
		r.Risk.Score = min(r.Risk.Score, 20)
		r.Risk = fixedRisk(min(r.Risk.Components[0].Score, 20), g.intn(10), g.intn(15), g.intn(10))
		r.Tags, r.Redirect, r.RedirectDomain = nil, "", ""
		r.Title, r.Server = "", "nginx"
		plan.members = append(plan.members, r)
		g.recs = append(g.recs, r)
	}
	dt := plan.members[0]
	dt.Risk = zerolistRisk()
	dt.Created, dt.Expires, dt.FirstSeen = day("1998-08-02"), day("2027-08-01"), day("2001-01-01")
	dt.Alexa, dt.Rank = 3512, 3512
	dt.Title, dt.WebsiteResponse = "DomainTools - The first place to go when you need to know.", 200
	dt.GA = "UA-2900001-1"
	plan.members[3].TLD, plan.members[3].Registrar = "vn", "Mat Bao Corporation"
	g.plans = append(g.plans, plan)
}

// phishCluster holds int-chase.com, int-suntrust.com and
// icloud.com-asia.info: one operator's phishing kit, all ≥ 90 and tagged.
func (g *gen) phishCluster() {
	names := []string{"int-chase.com", "int-suntrust.com", "icloud.com-asia.info",
		"int-wellsfargo.com", "int-bankofamerica.com", "int-citi.com", "appleid.com-verify.info",
		"icloud.com-support.info", "int-pnc.com", "int-usbank.com", "secure-chase-login.com", "int-capitalone.com"}
	isp := isps[10]
	const ip, soa = "45.77.148.62", "dns-admin@int-securemail.net"
	plan := &clusterPlan{shared: []pair{{pIP, ip}, {pEmailSOA, soa}}}
	reg := registrars[1]
	for i, n := range names {
		g.claim(n)
		r := &record{Name: n}
		g.fill(r)
		r.Registrar, r.AdditionalEmails = reg.name, []string{reg.abuse}
		r.Registrant = g.privacy(0, n)
		r.Admin, r.Technical, r.Billing = r.Registrant, r.Registrant, contact{}
		r.IPs = []ipInfo{ipOf(isp, ip)}
		r.NS = g.nsPair(nsProviders[1])
		r.SOAEmails = []string{soa}
		r.Certs = []cert{g.cert(n, []string{n, "www." + n, "mail." + n}, "")}
		r.Active, r.WebsiteResponse = true, 200
		r.Title = "Sign In"
		r.Risk = fixedRisk(90+g.intn(10), 10+g.intn(30), 90+g.intn(10), 40+g.intn(40), "domain name", "registrant", "name server")
		r.Created = day("2019-05-01").AddDate(0, 0, i*9)
		r.Expires, r.FirstSeen = r.Created.AddDate(1, 0, 0), r.Created
		r.Updated = day("2019-08-01").Add(time.Duration(i) * 37 * time.Minute)
		r.Tags = []tag{{Label: "phishing", Scope: "group", TaggedAt: r.Created.AddDate(0, 1, 0).Add(14*time.Hour + 59*time.Minute)}}
		r.Redirect, r.RedirectDomain = "", ""
		r.Rank, r.Alexa = 0, 0
		plan.members = append(plan.members, r)
		g.recs = append(g.recs, r)
	}
	ch := plan.members[0]
	ch.Created, ch.Expires, ch.FirstSeen = day("2019-03-13"), day("2020-03-13"), day("2019-03-13")
	ch.Risk = fixedRisk(88, 25, 92, 71, "registrant", "domain name", "name server")
	ch.Tags = append(ch.Tags, tag{Label: "blocklist", Scope: "group", TaggedAt: day("2019-08-13").Add(14*time.Hour + 59*time.Minute + 7*time.Second)})
	ch.Redirect, ch.RedirectDomain = "www.chase.com", "chase.com"
	ch.SOAEmails = append(ch.SOAEmails, "hostmaster@int-chase.com")
	ch.GA4 = []string{"G-INTCHASE01"}
	st := plan.members[1]
	st.Risk = fixedRisk(100, 30, 100, 60, "domain name", "registrant", "ip")
	ic := plan.members[2]
	ic.Risk = fixedRisk(93, 20, 97, 35, "domain name", "ssl")
	plan.members[10].Redirect, plan.members[10].RedirectDomain = "www.chase.com", "chase.com"
	g.plans = append(g.plans, plan)
}
