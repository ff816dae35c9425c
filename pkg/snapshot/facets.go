package snapshot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/store"
)

// Kinds of pivotable values (Value.Kind). They are the prefixes of the
// store's search keys (iris_pivot_keys) and the node types of the console's
// graph.
const (
	KindIP         = "ip"
	KindNameServer = "ns"
	KindMX         = "mx"
	KindSSL        = "ssl"
	KindEmail      = "email"
	KindRegistrant = "registrant"
	KindTracking   = "track"
)

// Kinds lists the kinds in display order.
var Kinds = []string{KindIP, KindNameServer, KindMX, KindSSL, KindEmail, KindRegistrant, KindTracking}

// KindNames are the kinds' display names.
var KindNames = map[string]string{
	KindIP: "IP", KindNameServer: "name server", KindMX: "MX", KindSSL: "SSL hash",
	KindEmail: "e-mail", KindRegistrant: "registrant", KindTracking: "tracking code",
}

// Value is one pivotable value of a profile.
type Value struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Count is Iris's guided-pivot count: how many domains share the value
	// (0 when Iris gave none).
	Count int `json:"count"`
}

// Facets is what an analyst compares between snapshots of a domain.
type Facets struct {
	Risk          *int     `json:"risk_score"`
	Tags          []string `json:"tags"`
	Registrar     string   `json:"registrar"`
	CreateDate    string   `json:"create_date"`
	ExpiresDate   string   `json:"expiration_date"`
	Active        *bool    `json:"active"`
	CountryCodes  []string `json:"country_codes"`
	RegistrarStat []string `json:"registrar_status"`
	// Values are the pivotable values, by kind then value.
	Values []Value `json:"values"`
}

// Of returns the facets of a stored profile; a negative entry (Found
// false) has none but its zero value, and a profile whose raw result does
// not decode is an error naming the domain.
func Of(p store.Profile) (Facets, error) {
	f := Facets{Risk: p.RiskScore, Tags: sorted(p.Tags), Registrar: p.Registrar, Active: p.Active}
	if p.CreateDate != nil {
		f.CreateDate = p.CreateDate.Format("2006-01-02")
	}
	if !p.Found || len(p.Raw) == 0 {
		return f, nil
	}
	var r iris.Result
	if err := json.Unmarshal(p.Raw, &r); err != nil {
		return f, fmt.Errorf("snapshot: decode profile of %s: %w", p.Domain, err)
	}
	f.ExpiresDate = r.ExpirationDate.Value
	f.RegistrarStat = sorted(r.RegistrarStatus)
	var cc []string
	for _, ip := range r.IP {
		if c := ip.CountryCode.Value; c != "" {
			cc = append(cc, strings.ToUpper(c))
		}
	}
	f.CountryCodes = sorted(cc)
	f.Values = Values(&r)
	return f, nil
}

// Values returns the pivotable values of r, lower-cased as the store's
// search keys are, one per kind and value (the highest count kept), by kind
// then value.
func Values(r *iris.Result) []Value {
	seen := map[[2]string]int{}
	var out []Value
	add := func(kind string, a iris.Attr) {
		v := strings.ToLower(strings.TrimSpace(a.Value))
		if v == "" {
			return
		}
		k := [2]string{kind, v}
		if i, ok := seen[k]; ok {
			out[i].Count = max(out[i].Count, a.Count)
			return
		}
		seen[k] = len(out)
		out = append(out, Value{Kind: kind, Value: v, Count: a.Count})
	}
	addAll := func(kind string, as iris.Attrs) {
		for _, a := range as {
			add(kind, a)
		}
	}
	for _, ip := range r.IP {
		add(KindIP, ip.Address)
	}
	for _, n := range r.NameServer {
		add(KindNameServer, n.Host)
	}
	for _, m := range r.MX {
		add(KindMX, m.Host)
	}
	for _, c := range r.SSLInfo {
		add(KindSSL, c.Hash)
		addAll(KindEmail, c.Email)
	}
	for _, c := range []iris.Contact{r.RegistrantContact, r.AdminContact, r.TechnicalContact, r.BillingContact} {
		addAll(KindEmail, c.Email)
	}
	addAll(KindEmail, r.SOAEmail)
	addAll(KindEmail, r.SSLEmail)
	addAll(KindEmail, r.AdditionalWhoisEmail)
	add(KindRegistrant, r.RegistrantName)
	add(KindRegistrant, r.RegistrantOrg)
	add(KindRegistrant, r.RegistrantContact.Name)
	add(KindRegistrant, r.RegistrantContact.Org)
	add(KindTracking, r.GoogleAnalytics)
	add(KindTracking, r.Adsense)
	for _, as := range []iris.Attrs{r.GA4, r.GTMCodes, r.FBCodes, r.HotjarCodes, r.BaiduCodes, r.YandexCodes,
		r.MatomoCodes, r.StatcounterProjectCodes, r.StatcounterSecurityCodes} {
		addAll(KindTracking, as)
	}
	slices.SortStableFunc(out, func(a, b Value) int {
		if c := slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// OfKind returns the values of one kind.
func (f Facets) OfKind(kind string) []string {
	var out []string
	for _, v := range f.Values {
		if v.Kind == kind {
			out = append(out, v.Value)
		}
	}
	return out
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func intText(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

// KindOfPivot is the kind of an Iris pivot search parameter's value
// (nameserver_host → ns, ssl_hash → ssl, …); a parameter with no kind of
// its own (registrar, email_domain, …) is its own kind.
func KindOfPivot(param string) string {
	switch param {
	case "ip":
		return KindIP
	case "nameserver_host":
		return KindNameServer
	case "mailserver_host":
		return KindMX
	case "ssl_hash":
		return KindSSL
	case "email", "email_dns_soa", "ssl_email", "registrant_email":
		return KindEmail
	case "registrant", "registrant_org":
		return KindRegistrant
	case "google_analytics", "adsense", "tracking_code", "ga4", "gtm_codes", "fb_codes", "hotjar_codes",
		"baidu_codes", "yandex_codes", "matomo_codes", "statcounter_project_codes", "statcounter_security_codes":
		return KindTracking
	}
	return param
}
