package irissim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

var sprintf = fmt.Sprintf

// gen builds synthetic records deterministically from its random source.
type gen struct {
	rng    *rand.Rand
	anchor time.Time // "today" of the universe
	taken  map[string]bool
	ips    map[string]bool
	recs   []*record
	plans  []*clusterPlan
}

// clusterPlan is a cluster under construction; shared lists the (param,
// value) pairs every member carries. Those that turn out exclusive to the
// cluster become Cluster.Shared.
type clusterPlan struct {
	members []*record
	shared  []pair
}

func newGen(seed int64, anchor time.Time) *gen {
	return &gen{
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		anchor: anchor,
		taken:  map[string]bool{},
		ips:    map[string]bool{},
	}
}

func (g *gen) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return g.rng.IntN(n)
}
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }
func pick[T any](g *gen, xs []T) T   { return xs[g.intn(len(xs))] }

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.intn(16)]
	}
	return string(b)
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.intn(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

func (g *gen) weighted(n int, weight func(i int) int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += weight(i)
	}
	x := g.intn(total)
	for i := 0; i < n; i++ {
		if x -= weight(i); x < 0 {
			return i
		}
	}
	return n - 1
}

func (g *gen) tld() string {
	return tldWeights[g.weighted(len(tldWeights), func(i int) int { return tldWeights[i].weight })].tld
}

// claim reserves a domain name; false when taken.
func (g *gen) claim(name string) bool {
	if g.taken[name] {
		return false
	}
	g.taken[name] = true
	return true
}

// benignName returns a fresh name like "bluefalcon.net" or "swift-otter42.com".
func (g *gen) benignName() string {
	for try := 0; ; try++ {
		a, n := pick(g, adjectives), pick(g, nouns)
		var name string
		switch g.intn(4) {
		case 0:
			name = a + "-" + n
		default:
			name = a + n
		}
		if try > 3 || g.chance(0.2) {
			name += fmt.Sprint(g.intn(1000))
		}
		name += "." + g.tld()
		if g.claim(name) {
			return name
		}
	}
}

// lureName returns a brand look-alike like "paypal-verify.info" or
// "icloud.com-asia.info".
func (g *gen) lureName(brand string) string {
	for try := 0; ; try++ {
		w := pick(g, lureWords)
		var name string
		switch g.intn(5) {
		case 0:
			name = brand + "-" + w
		case 1:
			name = w + "-" + brand
		case 2:
			name = brand + ".com-" + w
		case 3:
			name = "int-" + brand + w
		default:
			name = brand + w + fmt.Sprint(g.intn(100))
		}
		if try > 3 {
			name += fmt.Sprint(g.intn(10000))
		}
		name += "." + pick(g, []string{"com", "info", "net", "xyz", "top", "online", "site", "live"})
		if g.claim(name) {
			return name
		}
	}
}

// newIP returns an unused address inside an ISP prefix.
func (g *gen) newIP(p [2]byte) string {
	for {
		ip := sprintf("%d.%d.%d.%d", p[0], p[1], g.intn(256), 1+g.intn(254))
		if !g.ips[ip] {
			g.ips[ip] = true
			return ip
		}
	}
}

func (g *gen) isp() ispInfo {
	return isps[g.weighted(len(isps), func(i int) int { return isps[i].weight })]
}

func ipOf(isp ispInfo, addr string) ipInfo {
	return ipInfo{Address: addr, ASN: isp.asn, Country: isp.country, ISP: isp.name}
}

// hostIP is the stable address of a provider's host, derived from its name.
func hostIP(prefix [2]byte, host string) string {
	h := uint32(2166136261)
	for i := 0; i < len(host); i++ {
		h = (h ^ uint32(host[i])) * 16777619
	}
	return sprintf("%d.%d.%d.%d", prefix[0], prefix[1], (h>>8)&0xff, 1+h%254)
}

// fill gives r a plausible baseline profile; cluster overlays replace parts.
func (g *gen) fill(r *record) {
	r.TLD = r.Name[strings.LastIndexByte(r.Name, '.')+1:]
	// Age: most domains are a few years old, some brand new, some decades.
	days := int(g.rng.ExpFloat64() * 900)
	if days > 9000 {
		days = 9000
	}
	r.Created = g.anchor.AddDate(0, 0, -days-1)
	years := 1 + g.intn(3)
	r.Expires = r.Created.AddDate(years, 0, 0)
	for r.Expires.Before(g.anchor) && g.chance(0.9) {
		r.Expires = r.Expires.AddDate(1, 0, 0)
	}
	r.Active = !r.Expires.Before(g.anchor)
	r.RegistrarStatus = []string{"clienttransferprohibited"}
	if g.chance(0.4) {
		r.RegistrarStatus = append(r.RegistrarStatus, "clientdeleteprohibited", "clientupdateprohibited")
	}
	if !r.Active {
		r.RegistrarStatus = append(r.RegistrarStatus, "redemptionperiod")
	}
	r.FirstSeen = r.Created.AddDate(0, 0, g.intn(4))
	r.Updated = g.anchor.Add(-time.Duration(g.intn(30*24*3600))*time.Second - time.Duration(g.intn(1e6))*time.Microsecond)

	reg := registrars[g.weighted(len(registrars), func(i int) int { return registrars[i].weight })]
	r.Registrar = reg.name
	r.AdditionalEmails = []string{reg.abuse}
	if reg.privacy >= 0 && g.chance(0.75) {
		r.Registrant = g.privacy(reg.privacy, r.Name)
	} else {
		r.Registrant = g.person(r.Name, "", "")
	}
	r.Admin, r.Technical = r.Registrant, r.Registrant
	if g.chance(0.15) {
		r.Billing = r.Registrant
	}

	isp := g.isp()
	switch {
	case g.chance(0.08):
		// no A record
	case g.chance(0.3):
		// shared hosting: one of a few busy addresses of the ISP
		r.IPs = []ipInfo{ipOf(isp, sprintf("%d.%d.%d.%d", isp.prefix[0], isp.prefix[1], 200, 10+g.intn(12)))}
	default:
		r.IPs = []ipInfo{ipOf(isp, g.newIP(isp.prefix))}
	}
	if len(r.IPs) == 0 {
		r.Active = false
	}

	nsp := nsProviders[reg.ns]
	if g.chance(0.35) {
		nsp = pick(g, nsProviders)
	}
	r.NS = g.nsPair(nsp)
	if g.chance(0.6) {
		r.SOAEmails = []string{nsp.soa}
	} else {
		r.SOAEmails = []string{"hostmaster@" + r.Name}
	}

	switch x := g.intn(10); {
	case x < 3:
		// no mail
	case x < 8:
		mp := pick(g, mxProviders)
		for i, h := range mp.hosts {
			if h == "" {
				h = strings.ReplaceAll(r.Name, ".", "-") + ".mail.protection.outlook.com"
			}
			r.MX = append(r.MX, hostInfo{Host: h, Domain: mp.domain, IPs: []string{mp.ips[g.intn(len(mp.ips))]}, Priority: 1 + 4*i})
		}
		if g.chance(0.7) {
			r.SPF = mp.spf
		}
	default:
		var ips []string
		if len(r.IPs) > 0 {
			ips = []string{r.IPs[0].Address}
		}
		r.MX = []hostInfo{{Host: "mail." + r.Name, Domain: r.Name, IPs: ips, Priority: 10}}
	}

	if g.chance(0.7) {
		r.Certs = []cert{g.cert(r.Name, []string{r.Name, "www." + r.Name}, "")}
	}
	g.web(r)
	r.Risk = g.risk(false)
	if g.chance(0.02) {
		r.Tags = []tag{{Label: pick(g, []string{"watchlist", "reviewed", "parked"}), Scope: "group", TaggedAt: g.tagTime(r)}}
	}
	if g.chance(0.05) {
		r.Redirect, r.RedirectDomain = "www.sedoparking.com", "sedoparking.com"
	}
	if g.chance(0.1) {
		r.Rank = 1000 + g.intn(999000)
		r.Alexa = r.Rank
	}
}

func (g *gen) tagTime(r *record) time.Time {
	from := r.FirstSeen
	if from.IsZero() || !from.Before(g.anchor) {
		from = g.anchor.AddDate(0, 0, -30)
	}
	span := int(g.anchor.Sub(from) / time.Second)
	return from.Add(time.Duration(g.intn(span+1)) * time.Second)
}

func (g *gen) web(r *record) {
	switch x := g.intn(100); {
	case x < 70:
		r.WebsiteResponse = 200
	case x < 80:
		r.WebsiteResponse = 301
	case x < 86:
		r.WebsiteResponse = 403
	case x < 91:
		r.WebsiteResponse = 404
	case x < 93:
		r.WebsiteResponse = 500
	}
	if !r.Active {
		r.WebsiteResponse = 0
	}
	switch x := g.intn(10); {
	case x < 4:
	case x < 6:
		r.Title = pick(g, commonTitles)
	default:
		base := r.Name[:strings.IndexByte(r.Name, '.')]
		r.Title = strings.ToUpper(base[:1]) + base[1:] + " | Home"
	}
	if g.chance(0.6) {
		r.Server = pick(g, serverTypes)
	}
	if g.chance(0.15) {
		r.GA = "UA-" + g.digits(8) + "-1"
	}
	if g.chance(0.05) {
		r.Adsense = "pub-" + g.digits(16)
	}
	if g.chance(0.1) {
		r.GA4 = []string{"G-" + strings.ToUpper(g.hex(10))}
	}
	if g.chance(0.05) {
		r.GTM = []string{"GTM-" + strings.ToUpper(g.hex(7))}
	}
	if g.chance(0.03) {
		r.FB = []string{g.digits(15)}
	}
	if g.chance(0.02) {
		r.Hotjar = []string{g.digits(7)}
	}
	if g.chance(0.01) {
		r.Yandex = []string{g.digits(8)}
	}
	if g.chance(0.01) {
		r.Baidu = []string{g.hex(32)}
	}
	if g.chance(0.005) {
		r.Matomo = []string{g.digits(3)}
	}
	if g.chance(0.005) {
		r.SCProject, r.SCSecurity = []string{g.digits(8)}, []string{g.hex(8)}
	}
}

func (g *gen) nsPair(p nsProvider) []hostInfo {
	i := g.intn(len(p.hosts)/2) * 2
	if len(p.hosts)%2 == 1 && g.chance(0.5) {
		i = len(p.hosts) - 2
	}
	var out []hostInfo
	for _, h := range p.hosts[i : i+2] {
		out = append(out, hostInfo{Host: h, Domain: p.domain, IPs: []string{hostIP(p.prefix, h)}})
	}
	return out
}

func (g *gen) privacy(i int, domain string) contact {
	c := privacyProfiles[i]
	c.Emails = nil
	for _, e := range privacyProfiles[i].Emails {
		c.Emails = append(c.Emails, g.hex(12)+e)
	}
	if i == 2 {
		c.Country = pick(g, []string{"us", "de", "gb", "ru", "cn", "ca"})
		c.State = pick(g, []string{"CA", "NY", "Berlin", "England", "Moscow", "ON"})
	}
	return c
}

// person is a non-private registrant; org and email may be forced.
func (g *gen) person(domain, org, email string) contact {
	loc := pick(g, cities)
	c := contact{
		Name:    pick(g, firstNames) + " " + pick(g, lastNames),
		Org:     org,
		Street:  sprintf("%d %s St", 1+g.intn(9999), title(pick(g, nouns))),
		City:    loc.city,
		State:   loc.state,
		Postal:  loc.postal,
		Country: loc.country,
		Phone:   loc.phone[:len(loc.phone)-4] + g.digits(4),
	}
	if email == "" {
		email = "admin@" + domain
	}
	c.Emails = []string{email}
	return c
}

func (g *gen) cert(cn string, alt []string, org string) cert {
	is := issuers[g.weighted(len(issuers), func(i int) int { return issuers[i].weight })]
	nb := g.anchor.AddDate(0, 0, -g.intn(is.duration))
	na := nb.AddDate(0, 0, is.duration)
	subject := "CN=" + cn
	if org != "" {
		subject = "CN=" + cn + ",O=" + org
	}
	if len(alt) > 20 {
		alt = alt[:20]
	}
	return cert{
		Hash: g.hex(40), Subject: subject, Org: org, AltNames: alt, CommonName: cn,
		IssuerCN: is.cn, NotBefore: ymd(nb), NotAfter: ymd(na), Duration: is.duration,
		SeenActive: g.anchor.AddDate(0, 0, -g.intn(30)).UnixMilli(),
	}
}

func ymd(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// risk draws a Domain Risk Score with its components: most domains low, a
// tail of high scores; malicious ones ≥ 70, mostly ≥ 90.
func (g *gen) risk(malicious bool) riskInfo {
	var top int
	switch x := g.rng.Float64(); {
	case malicious && x < 0.75:
		top = 90 + g.intn(11)
	case malicious:
		top = 70 + g.intn(20)
	case x < 0.01:
		return zerolistRisk()
	case x < 0.65:
		top = g.intn(20)
	case x < 0.88:
		top = 20 + g.intn(40)
	case x < 0.97:
		top = 60 + g.intn(30)
	default:
		top = 90 + g.intn(10)
	}
	main := g.intn(3)
	sub := [3]int{}
	for i := range sub {
		sub[i] = g.intn(top/2 + 1)
	}
	sub[main] = top
	prox := g.intn(top + 1)
	if g.chance(0.3) {
		prox, sub[main] = top, g.intn(top+1)
	}
	var ev []string
	if max(sub[0], max(sub[1], sub[2])) >= 50 {
		for _, e := range []string{"registrant", "domain name", "name server", "ip", "ssl", "mx"} {
			if g.chance(0.4) {
				ev = append(ev, e)
			}
		}
		if len(ev) == 0 {
			ev = []string{"domain name"}
		}
	}
	return riskFrom(prox, sub, ev)
}

// threatKinds are the threat profile's kinds, in the order of its sub-scores.
var threatKinds = [3]string{"malware", "phishing", "spam"}

// riskFrom assembles a risk score from the proximity score and the malware,
// phishing and spam sub-scores: the proximity component, the threat profile
// (naming its top kind and the evidence when it scores 50 or more) and one
// component per kind.
func riskFrom(prox int, sub [3]int, evidence []string) riskInfo {
	tp := max(sub[0], max(sub[1], sub[2]))
	ri := riskInfo{Score: max(prox, tp)}
	ri.Components = append(ri.Components, riskComponent{Name: "proximity", Score: prox})
	tpc := riskComponent{Name: "threat_profile", Score: tp}
	if tp >= 50 {
		tpc.Threats, tpc.Evidence = []string{threatKinds[argmax(sub)]}, evidence
	}
	ri.Components = append(ri.Components, tpc)
	for i, k := range threatKinds {
		c := riskComponent{Name: "threat_profile_" + k, Score: sub[i]}
		if sub[i] >= 50 {
			c.Threats = []string{k}
		}
		ri.Components = append(ri.Components, c)
	}
	return ri
}

func argmax(xs [3]int) int {
	m := 0
	for i := range xs {
		if xs[i] > xs[m] {
			m = i
		}
	}
	return m
}

func zerolistRisk() riskInfo {
	return riskInfo{Score: 0, Components: []riskComponent{
		{Name: "zerolist"}, {Name: "threat_profile"}, {Name: "threat_profile_malware"},
		{Name: "threat_profile_phishing"}, {Name: "threat_profile_spam"},
	}}
}

// fixedRisk builds components for a hand-made profile.
func fixedRisk(prox int, malware, phishing, spam int, evidence ...string) riskInfo {
	return riskFrom(prox, [3]int{malware, phishing, spam}, evidence)
}

// title upper-cases the first letter of an ASCII word (the generator's words
// are ASCII, so strings.Title's Unicode caveats do not apply; it is deprecated).
func title(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}
