package irissim

import (
	"time"
)

// renderer renders records as Iris result objects: with guided-pivot counts
// for Investigate, {value} only for Enrich.
type renderer struct {
	ix     *index
	counts bool
	w      jsonw
}

func (rr *renderer) pv(k, param, v string) {
	rr.w.obj(k, func() {
		rr.w.str("value", v)
		rr.count(param, v)
	})
}

func (rr *renderer) pvInt(k, param string, v int) {
	rr.w.obj(k, func() {
		if v == 0 {
			rr.w.str("value", "")
		} else {
			rr.w.num("value", int64(v))
		}
		rr.count(param, intString(v))
	})
}

func (rr *renderer) count(param, v string) {
	if !rr.counts {
		return
	}
	if param == "" || v == "" {
		rr.w.num("count", 0)
		return
	}
	rr.w.num("count", int64(rr.ix.count(param, v)))
}

func (rr *renderer) pvList(k, param string, vs []string) {
	rr.w.arr(k, func() {
		for _, v := range vs {
			rr.pv("", param, v)
		}
	})
}

// pvOrEmpty renders website_title/server_type: an object when known, ""
// when empty (the real service's polymorphism).
func (rr *renderer) pvOrEmpty(k, param, v string) {
	if v == "" {
		rr.w.str(k, "")
		return
	}
	rr.pv(k, param, v)
}

func (rr *renderer) intOrEmpty(k string, v int) {
	if v == 0 {
		rr.w.str(k, "")
		return
	}
	rr.w.num(k, int64(v))
}

func (rr *renderer) contact(k string, c *contact) {
	rr.w.obj(k, func() {
		rr.pv("name", pContactName, c.Name)
		rr.pv("org", pContactOrg, c.Org)
		rr.pv("street", pContactStreet, c.Street)
		rr.pv("city", pContactCity, c.City)
		rr.pv("state", pContactState, c.State)
		rr.pv("postal", pContactPostal, c.Postal)
		rr.pv("country", pContactCountry, c.Country)
		rr.pv("phone", pContactPhone, c.Phone)
		rr.pv("fax", pContactFax, c.Fax)
		rr.pvList("email", pEmail, c.Emails)
	})
}

func (rr *renderer) hosts(k string, hs []hostInfo, hostP, domP, ipP string, mx bool) {
	rr.w.arr(k, func() {
		for _, h := range hs {
			rr.w.obj("", func() {
				rr.pv("host", hostP, h.Host)
				rr.pv("domain", domP, h.Domain)
				rr.pvList("ip", ipP, h.IPs)
				if mx {
					rr.w.num("priority", int64(h.Priority))
				}
			})
		}
	})
}

// record appends the result object of r, with the 2023 field set and order.
func (rr *renderer) record(r *record) {
	w := &rr.w
	w.obj("", func() {
		w.str("domain", r.Name)
		w.str("whois_url", "https://whois.domaintools.com/"+r.Name)
		rr.pv("adsense", pAdsense, r.Adsense)
		rr.intOrEmpty("alexa", r.Alexa)
		rr.intOrEmpty("popularity_rank", r.Rank)
		w.boolean("active", r.Active)
		rr.pv("google_analytics", pGA, r.GA)
		rr.pvList("ga4", pGA4, r.GA4)
		rr.pvList("gtm_codes", pGTM, r.GTM)
		rr.pvList("fb_codes", pFacebook, r.FB)
		rr.pvList("hotjar_codes", pHotjar, r.Hotjar)
		rr.pvList("baidu_codes", pBaidu, r.Baidu)
		rr.pvList("yandex_codes", pYandex, r.Yandex)
		rr.pvList("matomo_codes", pMatomo, r.Matomo)
		rr.pvList("statcounter_project_codes", pStatcounterProject, r.SCProject)
		rr.pvList("statcounter_security_codes", pStatcounterSec, r.SCSecurity)
		rr.contact("admin_contact", &r.Admin)
		rr.contact("billing_contact", &r.Billing)
		rr.contact("registrant_contact", &r.Registrant)
		rr.contact("technical_contact", &r.Technical)
		rr.pv("create_date", pCreateDate, dateString(r.Created))
		rr.pv("expiration_date", pExpirationDate, dateString(r.Expires))
		rr.pvList("email_domain", pEmailDomain, r.emailDomains())
		rr.pvList("soa_email", pEmailSOA, r.SOAEmails)
		rr.pvList("ssl_email", pSSLEmail, r.sslEmails())
		rr.pvList("additional_whois_email", pEmail, r.AdditionalEmails)
		w.arr("ip", func() {
			for _, ip := range r.IPs {
				w.obj("", func() {
					rr.pv("address", pIP, ip.Address)
					w.arr("asn", func() { rr.pvInt("", pASN, ip.ASN) })
					rr.pv("country_code", pIPCountry, ip.Country)
					rr.pv("isp", pISP, ip.ISP)
				})
			}
		})
		rr.hosts("mx", r.MX, pMXHost, pMXDomain, pMXIP, true)
		rr.hosts("name_server", r.NS, pNSHost, pNSDomain, pNSIP, false)
		w.obj("domain_risk", func() {
			w.num("risk_score", int64(r.Risk.Score))
			w.arr("components", func() {
				for _, c := range r.Risk.Components {
					w.obj("", func() {
						w.str("name", c.Name)
						w.num("risk_score", int64(c.Score))
						if len(c.Threats) > 0 {
							w.arr("threats", func() {
								for _, t := range c.Threats {
									w.str("", t)
								}
							})
						}
						if len(c.Evidence) > 0 {
							w.arr("evidence", func() {
								for _, e := range c.Evidence {
									w.str("", e)
								}
							})
						}
					})
				}
			})
		})
		rr.pv("redirect", pRedirect, r.Redirect)
		rr.pv("redirect_domain", pRedirectDomain, r.RedirectDomain)
		rr.pv("registrant_name", pRegistrant, r.Registrant.Name)
		rr.pv("registrant_org", pRegistrantOrg, r.Registrant.Org)
		rr.pv("registrar", pRegistrar, r.Registrar)
		w.arr("registrar_status", func() {
			for _, s := range r.RegistrarStatus {
				w.str("", s)
			}
		})
		w.str("spf_info", r.SPF)
		w.arr("ssl_info", func() {
			for _, c := range r.Certs {
				rr.cert(&c)
			}
		})
		w.str("tld", r.TLD)
		w.num("website_response", int64(r.WebsiteResponse))
		w.str("data_updated_timestamp", r.Updated.UTC().Format("2006-01-02T15:04:05.000000"))
		rr.pvOrEmpty("website_title", pWebsiteTitle, r.Title)
		rr.pvOrEmpty("server_type", pServerType, r.Server)
		// first_seen counts are 0 in every recording; kept so.
		rr.w.obj("first_seen", func() {
			fs := ""
			if !r.FirstSeen.IsZero() {
				fs = r.FirstSeen.UTC().Format(time.RFC3339)
			}
			w.str("value", fs)
			rr.count("", "")
		})
		w.arr("tags", func() {
			for _, t := range r.Tags {
				w.obj("", func() {
					w.str("label", t.Label)
					w.str("scope", t.Scope)
					w.str("tagged_at", t.TaggedAt.UTC().Format(time.RFC3339))
				})
			}
		})
	})
}

func (rr *renderer) cert(c *cert) {
	w := &rr.w
	w.obj("", func() {
		rr.pv("hash", pSSLHash, c.Hash)
		rr.pv("subject", pSSLSubject, c.Subject)
		rr.pv("organization", pSSLOrg, c.Org)
		rr.pvList("email", pSSLEmail, c.Emails)
		// alt_names counts are 0 in every recording; kept so (the values
		// are still searchable with ssl_alt_names).
		w.arr("alt_names", func() {
			for _, a := range c.AltNames {
				w.obj("", func() {
					w.str("value", a)
					rr.count("", "")
				})
			}
		})
		w.obj("sources", func() {
			if c.SeenActive != 0 {
				w.num("active", c.SeenActive)
			}
		})
		rr.pv("common_name", pSSLCommonName, c.CommonName)
		rr.pv("issuer_common_name", pSSLIssuer, c.IssuerCN)
		rr.pvInt("not_after", pSSLNotAfter, c.NotAfter)
		rr.pvInt("not_before", pSSLNotBefore, c.NotBefore)
		rr.pvInt("duration", pSSLDuration, c.Duration)
	})
}

// renderRecord returns the result object of r.
func (ix *index) render(r *record, counts bool) []byte {
	rr := renderer{ix: ix, counts: counts}
	rr.w.buf = make([]byte, 0, 6<<10)
	rr.record(r)
	return rr.w.buf
}
