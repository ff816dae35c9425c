package seed

import (
	"fmt"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// Labels is the flat output of "Format Iris Investigate Data": display
// label → value. Every label of Columns is present, so the seed app's
// post-process script (which indexes each label) never fails:
//
//   - numbers (Age in days, the risk scores, Website Response Code, Alexa)
//     are ints;
//   - everything else is a string; lists are joined with ", ";
//   - a value Iris did not give, and every label outside the selected
//     option groups, is "" (never 0: a zero-listed domain has no proximity
//     score, and "" keeps that visible).
type Labels map[string]any

// Format builds the labels of r for the option groups named in groups
// (Analytics, Identity, Registration, Hosting; matched case-insensitively;
// empty means all). Domain Name and Retrieval Date (now's UTC date,
// YYYY-MM-DD) are always filled; Age is whole days from the create date to
// now. Unknown group names are ignored here; check them with ParseGroups.
func Format(r *iris.Result, groups []string, now time.Time) Labels {
	l := make(Labels, len(Columns))
	for _, c := range Columns {
		l[c.Label] = ""
	}
	l[LabelDomainName] = r.Domain
	l[LabelRetrievalDate] = now.UTC().Format(time.DateOnly)

	want := map[string]bool{}
	for _, g := range groups {
		if name, ok := groupName(g); ok {
			want[name] = true
		}
	}
	all := len(want) == 0
	if all || want[GroupAnalytics] {
		formatAnalytics(l, r, now)
	}
	if all || want[GroupIdentity] {
		formatIdentity(l, r)
	}
	if all || want[GroupRegistration] {
		formatRegistration(l, r)
	}
	if all || want[GroupHosting] {
		formatHosting(l, r)
	}
	return l
}

// ParseGroups checks option group names (case-insensitive, blanks
// ignored) and returns them in their canonical spelling; an unknown name is
// an error naming it.
func ParseGroups(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		g, ok := groupName(n)
		if !ok {
			return nil, fmt.Errorf("unknown format option %q (want one of %s)", n, strings.Join(Groups, ", "))
		}
		out = append(out, g)
	}
	return out, nil
}

func groupName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, g := range Groups {
		if strings.EqualFold(g, s) {
			return g, true
		}
	}
	return "", false
}

func formatAnalytics(l Labels, r *iris.Result, now time.Time) {
	if created, ok := r.Created(); ok {
		l[LabelAge] = int(now.UTC().Sub(created).Hours() / 24)
	}
	risk := Risk(r)
	setInt(l, LabelOverallRisk, risk.Score)
	setInt(l, LabelProximityRisk, risk.Proximity)
	setInt(l, LabelThreatProfileRisk, risk.ThreatProfile)
	if v, ok := r.WebsiteResponse.Get(); ok {
		l[LabelWebsiteResponseCode] = v
	}
	if v, ok := r.Alexa.Get(); ok {
		l[LabelAlexa] = v
	} else if v, ok := r.PopularityRank.Get(); ok {
		l[LabelAlexa] = v // alexa is no longer filled in; popularity_rank replaced it
	}
	l[LabelGoogleAdsenseCode] = r.Adsense.Value
	l[LabelGoogleAnalyticsCode] = r.GoogleAnalytics.Value
}

func formatIdentity(l Labels, r *iris.Result) {
	l[LabelRegistrantName] = r.RegistrantName.Value
	l[LabelRegistrantOrg] = r.RegistrantOrg.Value
	l[LabelRegistrantContact] = ContactText(r.RegistrantContact)
	l[LabelSOAEmail] = join(r.SOAEmail.Values())
	sslEmails := r.SSLEmail.Values()
	if len(sslEmails) == 0 {
		for _, c := range r.SSLInfo {
			sslEmails = append(sslEmails, c.Email.Values()...)
		}
	}
	l[LabelSSLCertificateEmail] = join(unique(sslEmails))
	l[LabelAdminContact] = ContactText(r.AdminContact)
	l[LabelTechnicalContact] = ContactText(r.TechnicalContact)
	l[LabelBillingContact] = ContactText(r.BillingContact)
	l[LabelEmailDomains] = join(r.EmailDomain.Values())
	l[LabelAdditionalWhoisEmails] = join(r.AdditionalWhoisEmail.Values())
}

func formatRegistration(l Labels, r *iris.Result) {
	l[LabelDomainRegistrar] = r.Registrar.Value
	l[LabelRegistrarStatus] = join(r.RegistrarStatus)
	if r.Active {
		l[LabelDomainStatus] = "Active"
	} else {
		l[LabelDomainStatus] = "Inactive"
	}
	l[LabelCreateDate] = r.CreateDate.Value
	l[LabelExpirationDate] = r.ExpirationDate.Value
}

func formatHosting(l Labels, r *iris.Result) {
	l[LabelIPAddresses] = join(r.IPAddresses())
	var countries []string
	for _, ip := range r.IP {
		if c := ip.CountryCode.Value; c != "" {
			countries = append(countries, strings.ToUpper(c))
		}
	}
	l[LabelIPCountryCode] = join(unique(countries))
	var mx []string
	for _, m := range r.MX {
		if m.Host.Value != "" {
			mx = append(mx, m.Host.Value)
		}
	}
	l[LabelMailServers] = join(mx)
	l[LabelSPFRecord] = r.SPFInfo
	var ns []string
	for _, n := range r.NameServer {
		if n.Host.Value != "" {
			ns = append(ns, n.Host.Value)
		}
	}
	l[LabelNameServers] = join(ns)
	var certs []string
	for _, c := range r.SSLInfo {
		if t := certText(c); t != "" {
			certs = append(certs, t)
		}
	}
	l[LabelSSLCertificate] = strings.Join(certs, "; ")
	l[LabelRedirectsTo] = r.Redirect.Value
}

// ContactText renders a WHOIS contact as "name, org, email, phone,
// country", leaving out empty parts ("" when all are empty).
func ContactText(c iris.Contact) string {
	parts := []string{c.Name.Value, c.Org.Value}
	parts = append(parts, c.Email.Values()...)
	parts = append(parts, c.Phone.Value, strings.ToUpper(c.Country.Value))
	return join(parts)
}

// certText renders a certificate as "<sha1> (<subject>)"; several
// certificates are separated by "; " because subjects contain commas.
func certText(c iris.SSLInfo) string {
	switch {
	case c.Hash.Value == "":
		return c.Subject.Value
	case c.Subject.Value == "":
		return c.Hash.Value
	}
	return c.Hash.Value + " (" + c.Subject.Value + ")"
}

func setInt(l Labels, label string, v *int) {
	if v != nil {
		l[label] = *v
	}
}

// join joins the non-empty values with ", ".
func join(vs []string) string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}

func unique(vs []string) []string {
	seen := make(map[string]bool, len(vs))
	out := vs[:0:0]
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Row maps labels to the cells of one domaintools_results row: all 32
// columns, a missing label giving "".
func Row(l Labels) map[string]any {
	cells := make(map[string]any, len(Columns))
	for _, c := range Columns {
		v, ok := l[c.Label]
		if !ok || v == nil {
			v = ""
		}
		cells[c.Name] = v
	}
	return cells
}
