package pivot

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
)

// DefaultThreshold is the seed app's dt_pivot_count default: a value shared
// by 300 domains or more is too common to be worth a pivot.
const DefaultThreshold = config.DefaultPivotThreshold

// Pivot is a value of a profile worth pivoting on.
type Pivot struct {
	// Type is the Iris search parameter that finds the domains sharing the
	// value ("ssl_hash", "ip", "nameserver_host", "email", ...).
	Type string `json:"type"`
	// Value is the value, as Iris gave it.
	Value string `json:"value"`
	// Count is Iris's guided-pivot count: how many domains share the value.
	Count int `json:"count"`
	// Field is where the value was first found in the profile, e.g.
	// "ssl_info[0].hash".
	Field string `json:"field,omitempty"`
}

// Discover returns the actionable pivots of r: every counted value with
// 1 < count < threshold, one per (type, value), sorted by count, then type,
// then value. threshold <= 0 means DefaultThreshold.
//
// The bounds: count 1 means only this domain has the value (nothing to
// find) and 0 means the value is empty; the upper bound is strict, as in the
// seed app ("lower than the Pivot Threshold"). A value seen in several
// fields of the same type (the registrant's e-mail in three contacts) is one
// pivot carrying the largest of its counts and the first field; the same
// value under two types (an e-mail in a WHOIS contact and in a certificate)
// is two pivots, unlike the seed, which keyed by value alone. Values are
// compared case-insensitively, as Iris searches them.
//
// Every counted field with an Iris search parameter is walked; the counted
// fields without one are left out: ip[].asn, ip[].country_code, ip[].isp,
// redirect (the full host; redirect_domain is kept), the contacts' org,
// city, state, postal, country and fax, ssl_info[].issuer_common_name,
// not_before and not_after, create_date and expiration_date (filters, not
// searches) and first_seen.
//
// Each field maps to the parameter whose search its count measures: contact
// and additional WHOIS e-mails to email, soa_email to email_dns_soa,
// ssl_info[].email and ssl_email to ssl_email.
func Discover(r *iris.Result, threshold int) []Pivot {
	if r == nil {
		return nil
	}
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	c := collector{index: make(map[key]int)}
	c.walk(r)
	out := c.pivots[:0]
	for _, p := range c.pivots {
		if p.Count > 1 && p.Count < threshold {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Pivot) int {
		return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value))
	})
	return out
}

type key struct{ typ, value string }

// collector gathers every counted value with its type, deduplicated.
type collector struct {
	pivots []Pivot
	index  map[key]int
}

func (c *collector) add(typ, field string, a iris.Attr) {
	v := strings.TrimSpace(a.Value)
	if v == "" {
		return
	}
	k := key{typ, strings.ToLower(v)}
	if i, ok := c.index[k]; ok {
		c.pivots[i].Count = max(c.pivots[i].Count, a.Count)
		return
	}
	c.index[k] = len(c.pivots)
	c.pivots = append(c.pivots, Pivot{Type: typ, Value: v, Count: a.Count, Field: field})
}

func (c *collector) addAll(typ, field string, as iris.Attrs) {
	for i, a := range as {
		c.add(typ, fmt.Sprintf("%s[%d]", field, i), a)
	}
}

func (c *collector) addInt(typ, field string, a iris.IntAttr) {
	if a.Value == 0 {
		return
	}
	c.add(typ, field, iris.Attr{Value: strconv.Itoa(a.Value), Count: a.Count})
}

func (c *collector) walk(r *iris.Result) {
	// Trackers.
	c.add("adsense", "adsense", r.Adsense)
	c.add("google_analytics", "google_analytics", r.GoogleAnalytics)
	for _, t := range []struct {
		typ, field string
		as         iris.Attrs
	}{
		{"google_analytics_4", "ga4", r.GA4},
		{"google_tag_manager", "gtm_codes", r.GTMCodes},
		{"facebook", "fb_codes", r.FBCodes},
		{"hotjar", "hotjar_codes", r.HotjarCodes},
		{"baidu_analytics", "baidu_codes", r.BaiduCodes},
		{"yandex_metrica", "yandex_codes", r.YandexCodes},
		{"matomo", "matomo_codes", r.MatomoCodes},
		{"statcounter_project", "statcounter_project_codes", r.StatcounterProjectCodes},
		{"statcounter_security", "statcounter_security_codes", r.StatcounterSecurityCodes},
	} {
		c.addAll(t.typ, t.field, t.as)
	}

	// Registration.
	c.add("registrant", "registrant_name", r.RegistrantName)
	c.add("registrant_org", "registrant_org", r.RegistrantOrg)
	c.add("registrar", "registrar", r.Registrar)
	for _, ct := range []struct {
		field string
		c     *iris.Contact
	}{
		{"registrant_contact", &r.RegistrantContact},
		{"admin_contact", &r.AdminContact},
		{"technical_contact", &r.TechnicalContact},
		{"billing_contact", &r.BillingContact},
	} {
		c.add("contact_name", ct.field+".name", ct.c.Name)
		c.add("contact_phone", ct.field+".phone", ct.c.Phone)
		c.add("contact_street", ct.field+".street", ct.c.Street)
		c.addAll("email", ct.field+".email", ct.c.Email)
	}
	c.addAll("email", "additional_whois_email", r.AdditionalWhoisEmail)
	c.addAll("email_domain", "email_domain", r.EmailDomain)
	c.addAll("email_dns_soa", "soa_email", r.SOAEmail)
	c.addAll("ssl_email", "ssl_email", r.SSLEmail)

	// Hosting.
	for i, ip := range r.IP {
		c.add("ip", fmt.Sprintf("ip[%d].address", i), ip.Address)
	}
	for i, ns := range r.NameServer {
		f := fmt.Sprintf("name_server[%d]", i)
		c.add("nameserver_host", f+".host", ns.Host)
		c.add("nameserver_domain", f+".domain", ns.Domain)
		c.addAll("nameserver_ip", f+".ip", ns.IP)
	}
	for i, mx := range r.MX {
		f := fmt.Sprintf("mx[%d]", i)
		c.add("mailserver_host", f+".host", mx.Host)
		c.add("mailserver_domain", f+".domain", mx.Domain)
		c.addAll("mailserver_ip", f+".ip", mx.IP)
	}
	c.add("redirect_domain", "redirect_domain", r.RedirectDomain)
	c.add("website_title", "website_title", r.WebsiteTitle)
	c.add("server_type", "server_type", r.ServerType)

	// Certificates.
	for i, s := range r.SSLInfo {
		f := fmt.Sprintf("ssl_info[%d]", i)
		c.add("ssl_hash", f+".hash", s.Hash)
		c.add("ssl_subject", f+".subject", s.Subject)
		c.add("ssl_org", f+".organization", s.Organization)
		c.add("ssl_common_name", f+".common_name", s.CommonName)
		c.addAll("ssl_email", f+".email", s.Email)
		c.addAll("ssl_alt_names", f+".alt_names", s.AltNames)
		c.addInt("ssl_duration", f+".duration", s.Duration)
	}
}
