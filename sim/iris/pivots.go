package irissim

import (
	"strconv"
	"strings"
)

// Pivot parameters. Each counted field of a result maps to exactly one of
// these, and the field's count is the size of that parameter's index entry.
// The documented Iris search parameters come first; the "sim-only" ones exist
// so that every counted value can be pivoted on (asn, isp_name and
// ip_country_code are also offered by the Splunk SOAR connector).
const (
	pIP                 = "ip"
	pEmail              = "email"
	pEmailDomain        = "email_domain"
	pEmailSOA           = "email_dns_soa"
	pRegistrant         = "registrant"
	pRegistrantOrg      = "registrant_org"
	pRegistrar          = "registrar"
	pContactName        = "contact_name"
	pContactPhone       = "contact_phone"
	pContactStreet      = "contact_street"
	pNSHost             = "nameserver_host"
	pNSDomain           = "nameserver_domain"
	pNSIP               = "nameserver_ip"
	pMXHost             = "mailserver_host"
	pMXDomain           = "mailserver_domain"
	pMXIP               = "mailserver_ip"
	pRedirectDomain     = "redirect_domain"
	pServerType         = "server_type"
	pWebsiteTitle       = "website_title"
	pSSLHash            = "ssl_hash"
	pSSLSubject         = "ssl_subject"
	pSSLEmail           = "ssl_email"
	pSSLOrg             = "ssl_org"
	pSSLCommonName      = "ssl_common_name"
	pSSLAltNames        = "ssl_alt_names"
	pSSLDuration        = "ssl_duration"
	pGA                 = "google_analytics"
	pAdsense            = "adsense"
	pGA4                = "google_analytics_4"
	pGTM                = "google_tag_manager"
	pFacebook           = "facebook"
	pHotjar             = "hotjar"
	pBaidu              = "baidu_analytics"
	pYandex             = "yandex_metrica"
	pMatomo             = "matomo"
	pStatcounterProject = "statcounter_project"
	pStatcounterSec     = "statcounter_security"
	pTag                = "tagged_with_any"

	// Sim-only pivots (not in the vendor spec).
	pASN            = "asn"
	pISP            = "isp_name"
	pIPCountry      = "ip_country_code"
	pContactOrg     = "contact_org"
	pContactCity    = "contact_city"
	pContactState   = "contact_state"
	pContactPostal  = "contact_postal"
	pContactCountry = "contact_country"
	pContactFax     = "contact_fax"
	pRedirect       = "redirect"
	pSSLIssuer      = "ssl_issuer_common_name"
	pSSLNotAfter    = "ssl_not_after"
	pSSLNotBefore   = "ssl_not_before"

	// Counted fields that are filters, not base search parameters.
	pCreateDate     = "create_date"
	pExpirationDate = "expiration_date"
)

// baseParams are the parameters that start a search (alone or combined:
// several base parameters are ANDed). tagged_with_all is handled apart.
var baseParams = map[string]bool{
	pIP: true, pEmail: true, pEmailDomain: true, pEmailSOA: true, pRegistrant: true,
	pRegistrantOrg: true, pRegistrar: true, pContactName: true, pContactPhone: true,
	pContactStreet: true, pNSHost: true, pNSDomain: true, pNSIP: true, pMXHost: true,
	pMXDomain: true, pMXIP: true, pRedirectDomain: true, pServerType: true,
	pWebsiteTitle: true, pSSLHash: true, pSSLSubject: true, pSSLEmail: true, pSSLOrg: true,
	pSSLCommonName: true, pSSLAltNames: true, pSSLDuration: true, pGA: true, pAdsense: true,
	pGA4: true, pGTM: true, pFacebook: true, pHotjar: true, pBaidu: true, pYandex: true,
	pMatomo: true, pStatcounterProject: true, pStatcounterSec: true,
	pASN: true, pISP: true, pIPCountry: true, pContactOrg: true, pContactCity: true,
	pContactState: true, pContactPostal: true, pContactCountry: true, pContactFax: true,
	pRedirect: true, pSSLIssuer: true, pSSLNotAfter: true, pSSLNotBefore: true,
}

// unsupportedBase are documented base parameters the simulator has no data
// for; a search using one is answered 400 rather than silently ignored.
var unsupportedBase = map[string]bool{
	"historical_registrant": true, "historical_free_text": true, "whois": true,
	"iana_id": true, "search_hash": true,
}

// norm is the index key of a value: searches are case-insensitive.
func norm(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// pivots calls emit for every (param, value) pair of r that is indexed.
// Rendering (render.go) looks counts up with the same pairs.
func (r *record) pivots(emit func(param, value string)) {
	emit(pAdsense, r.Adsense)
	emit(pGA, r.GA)
	for _, l := range []struct {
		p  string
		vs []string
	}{{pGA4, r.GA4}, {pGTM, r.GTM}, {pFacebook, r.FB}, {pHotjar, r.Hotjar}, {pBaidu, r.Baidu},
		{pYandex, r.Yandex}, {pMatomo, r.Matomo}, {pStatcounterProject, r.SCProject}, {pStatcounterSec, r.SCSecurity}} {
		for _, v := range l.vs {
			emit(l.p, v)
		}
	}
	for _, c := range []*contact{&r.Admin, &r.Billing, &r.Registrant, &r.Technical} {
		emit(pContactName, c.Name)
		emit(pContactOrg, c.Org)
		emit(pContactStreet, c.Street)
		emit(pContactCity, c.City)
		emit(pContactState, c.State)
		emit(pContactPostal, c.Postal)
		emit(pContactCountry, c.Country)
		emit(pContactPhone, c.Phone)
		emit(pContactFax, c.Fax)
	}
	emit(pCreateDate, dateString(r.Created))
	emit(pExpirationDate, dateString(r.Expires))
	for _, e := range r.emails() {
		emit(pEmail, e)
	}
	for _, d := range r.emailDomains() {
		emit(pEmailDomain, d)
	}
	for _, e := range r.SOAEmails {
		emit(pEmailSOA, e)
	}
	for _, e := range r.sslEmails() {
		emit(pSSLEmail, e)
	}
	for _, ip := range r.IPs {
		emit(pIP, ip.Address)
		emit(pASN, strconv.Itoa(ip.ASN))
		emit(pIPCountry, ip.Country)
		emit(pISP, ip.ISP)
	}
	for _, m := range r.MX {
		emit(pMXHost, m.Host)
		emit(pMXDomain, m.Domain)
		for _, ip := range m.IPs {
			emit(pMXIP, ip)
		}
	}
	for _, n := range r.NS {
		emit(pNSHost, n.Host)
		emit(pNSDomain, n.Domain)
		for _, ip := range n.IPs {
			emit(pNSIP, ip)
		}
	}
	emit(pRedirect, r.Redirect)
	emit(pRedirectDomain, r.RedirectDomain)
	emit(pRegistrant, r.Registrant.Name)
	emit(pRegistrantOrg, r.Registrant.Org)
	emit(pRegistrar, r.Registrar)
	for _, c := range r.Certs {
		emit(pSSLHash, c.Hash)
		emit(pSSLSubject, c.Subject)
		emit(pSSLOrg, c.Org)
		for _, a := range c.AltNames {
			emit(pSSLAltNames, a)
		}
		emit(pSSLCommonName, c.CommonName)
		emit(pSSLIssuer, c.IssuerCN)
		emit(pSSLNotAfter, intString(c.NotAfter))
		emit(pSSLNotBefore, intString(c.NotBefore))
		emit(pSSLDuration, intString(c.Duration))
	}
	emit(pWebsiteTitle, r.Title)
	emit(pServerType, r.Server)
	for _, t := range r.Tags {
		emit(pTag, t.Label)
	}
}

func intString(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
