package irissim

import "time"

// record is one synthetic domain profile before rendering. Counts are not
// stored: they come from the index at render time, so they always agree
// with what a search returns.
type record struct {
	Name       string
	TLD        string
	Active     bool
	Alexa      int // 0 = unknown (rendered "")
	Rank       int // popularity_rank, 0 = unknown (rendered "")
	Admin      contact
	Billing    contact
	Registrant contact
	Technical  contact
	Created    time.Time
	Expires    time.Time
	FirstSeen  time.Time
	Updated    time.Time

	SOAEmails        []string
	AdditionalEmails []string
	IPs              []ipInfo
	MX               []hostInfo
	NS               []hostInfo
	Risk             riskInfo
	Redirect         string
	RedirectDomain   string
	Registrar        string
	RegistrarStatus  []string
	SPF              string
	Certs            []cert
	WebsiteResponse  int
	Title            string
	Server           string
	Tags             []tag

	Adsense, GA                                                        string
	GA4, GTM, FB, Hotjar, Baidu, Yandex, Matomo, SCProject, SCSecurity []string
}

type contact struct {
	Name, Org, Street, City, State, Postal, Country, Phone, Fax string
	Emails                                                      []string
}

type ipInfo struct {
	Address string
	ASN     int
	Country string
	ISP     string
}

// hostInfo is a name server or a mail server.
type hostInfo struct {
	Host     string
	Domain   string
	IPs      []string
	Priority int // mail servers only
}

type cert struct {
	Hash, Subject, Org   string
	Emails, AltNames     []string
	CommonName, IssuerCN string
	NotBefore, NotAfter  int // YYYYMMDD
	Duration             int // days
	SeenActive           int64
}

type riskInfo struct {
	Score      int
	Components []riskComponent
}

type riskComponent struct {
	Name     string
	Score    int
	Threats  []string
	Evidence []string
}

type tag struct {
	Label    string
	Scope    string
	TaggedAt time.Time
}

// emails returns every e-mail address of the record that the `email` pivot
// searches: WHOIS contacts, additional WHOIS, SOA and SSL.
func (r *record) emails() []string {
	var out []string
	for _, c := range []*contact{&r.Admin, &r.Billing, &r.Registrant, &r.Technical} {
		out = append(out, c.Emails...)
	}
	out = append(out, r.AdditionalEmails...)
	out = append(out, r.SOAEmails...)
	out = append(out, r.sslEmails()...)
	return out
}

func (r *record) sslEmails() []string {
	var out []string
	for _, c := range r.Certs {
		out = append(out, c.Emails...)
	}
	return dedupe(out)
}

// emailDomains is the email_domain list: the domain part of every e-mail.
func (r *record) emailDomains() []string {
	var out []string
	for _, e := range r.emails() {
		if i := indexByte(e, '@'); i >= 0 && i+1 < len(e) {
			out = append(out, e[i+1:])
		}
	}
	return dedupe(out)
}

func indexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func dedupe(in []string) []string {
	if len(in) < 2 {
		return in
	}
	seen := make(map[string]struct{}, len(in))
	out := in[:0:0]
	for _, s := range in {
		if _, ok := seen[s]; ok {
			continue
		}
		seen[s] = struct{}{}
		out = append(out, s)
	}
	return out
}
