package iris

import (
	"encoding/json"
)

// Result is one domain profile as returned by Iris Investigate or Iris Enrich
// (iris-api.md §3). Every key of the documented schema has a typed field;
// keys Iris adds later are ignored by the typed fields but kept in Raw.
//
// A Result marshals to the Investigate wire shape (Raw is not written), so
// Marshal→Unmarshal keeps every typed field.
type Result struct {
	// Domain is the domain name; Iris returns the Unicode form of IDNs.
	Domain   string `json:"domain"`
	WhoisURL string `json:"whois_url"`

	Adsense         Attr  `json:"adsense"`
	GoogleAnalytics Attr  `json:"google_analytics"`
	GA4             Attrs `json:"ga4"`
	GTMCodes        Attrs `json:"gtm_codes"`
	FBCodes         Attrs `json:"fb_codes"`
	HotjarCodes     Attrs `json:"hotjar_codes"`
	BaiduCodes      Attrs `json:"baidu_codes"`
	YandexCodes     Attrs `json:"yandex_codes"`
	MatomoCodes     Attrs `json:"matomo_codes"`
	// StatcounterProjectCodes and StatcounterSecurityCodes are the
	// StatCounter tracker ids.
	StatcounterProjectCodes  Attrs `json:"statcounter_project_codes"`
	StatcounterSecurityCodes Attrs `json:"statcounter_security_codes"`

	// Alexa and PopularityRank are unknown ("" on the wire) when not Valid.
	Alexa          NullInt `json:"alexa"`
	PopularityRank NullInt `json:"popularity_rank"`
	Active         bool    `json:"active"`

	AdminContact      Contact `json:"admin_contact"`
	BillingContact    Contact `json:"billing_contact"`
	RegistrantContact Contact `json:"registrant_contact"`
	TechnicalContact  Contact `json:"technical_contact"`

	// CreateDate and ExpirationDate hold YYYY-MM-DD values.
	CreateDate     Attr `json:"create_date"`
	ExpirationDate Attr `json:"expiration_date"`

	EmailDomain          Attrs `json:"email_domain"`
	SOAEmail             Attrs `json:"soa_email"`
	SSLEmail             Attrs `json:"ssl_email"`
	AdditionalWhoisEmail Attrs `json:"additional_whois_email"`

	IP         []IP         `json:"ip"`
	MX         []MX         `json:"mx"`
	NameServer []NameServer `json:"name_server"`

	DomainRisk DomainRisk `json:"domain_risk"`

	// Redirect is the full host the site redirects to; RedirectDomain its
	// registered domain.
	Redirect        Attr      `json:"redirect"`
	RedirectDomain  Attr      `json:"redirect_domain"`
	RegistrantName  Attr      `json:"registrant_name"`
	RegistrantOrg   Attr      `json:"registrant_org"`
	Registrar       Attr      `json:"registrar"`
	RegistrarStatus []string  `json:"registrar_status"`
	SPFInfo         string    `json:"spf_info"`
	SSLInfo         []SSLInfo `json:"ssl_info"`
	TLD             string    `json:"tld"`
	// WebsiteResponse is the HTTP status the crawler saw.
	WebsiteResponse NullInt `json:"website_response"`
	// DataUpdatedTimestamp is "YYYY-MM-DDTHH:MM:SS.ffffff" without a zone.
	DataUpdatedTimestamp string `json:"data_updated_timestamp"`
	// WebsiteTitle and ServerType arrive as "" when unknown; they decode to
	// an empty Attr.
	WebsiteTitle Attr `json:"website_title"`
	ServerType   Attr `json:"server_type"`
	// FirstSeen holds an RFC 3339 UTC time.
	FirstSeen Attr  `json:"first_seen"`
	Tags      []Tag `json:"tags"`

	// ParsedWhois and ParsedDomainRDAP are present only when requested with
	// the parsed_whois / parsed_domain_rdap flags; kept as raw JSON.
	ParsedWhois      json.RawMessage `json:"parsed_whois,omitempty"`
	ParsedDomainRDAP json.RawMessage `json:"parsed_domain_rdap,omitempty"`

	// Raw is the result object exactly as received (nil for results built in
	// code). It is not written by MarshalJSON.
	Raw json.RawMessage `json:"-"`
}

// Contact is a WHOIS contact block.
type Contact struct {
	Name    Attr  `json:"name"`
	Org     Attr  `json:"org"`
	Street  Attr  `json:"street"`
	City    Attr  `json:"city"`
	State   Attr  `json:"state"`
	Postal  Attr  `json:"postal"`
	Country Attr  `json:"country"`
	Phone   Attr  `json:"phone"`
	Fax     Attr  `json:"fax"`
	Email   Attrs `json:"email"`
}

// IP is one A record of the domain with its network data.
type IP struct {
	Address     Attr     `json:"address"`
	ASN         IntAttrs `json:"asn"`
	CountryCode Attr     `json:"country_code"`
	ISP         Attr     `json:"isp"`
}

// MX is one mail server.
type MX struct {
	Host     Attr  `json:"host"`
	Domain   Attr  `json:"domain"`
	IP       Attrs `json:"ip"`
	Priority int   `json:"priority"`
}

// NameServer is one name server.
type NameServer struct {
	Host   Attr  `json:"host"`
	Domain Attr  `json:"domain"`
	IP     Attrs `json:"ip"`
}

// DomainRisk is the DomainTools risk assessment.
type DomainRisk struct {
	// RiskScore is the overall score (0–100); not Valid when Iris left it out.
	RiskScore  NullInt         `json:"risk_score,omitzero"`
	Components []RiskComponent `json:"components"`
}

// Risk component names (XS also checks the legacy "blacklist").
const (
	ComponentProximity       = "proximity"
	ComponentThreatProfile   = "threat_profile"
	ComponentMalware         = "threat_profile_malware"
	ComponentPhishing        = "threat_profile_phishing"
	ComponentSpam            = "threat_profile_spam"
	ComponentZerolist        = "zerolist"
	ComponentBlacklistLegacy = "blacklist"
)

// RiskComponent is one part of the risk score.
type RiskComponent struct {
	Name      string `json:"name"`
	RiskScore int    `json:"risk_score"`
	// Threats (e.g. "spam") and Evidence (e.g. "registrant") are given by
	// threat-profile components only.
	Threats  []string `json:"threats,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler, accepting a score given as a
// string or null.
func (c *RiskComponent) UnmarshalJSON(data []byte) error {
	var w struct {
		Name      string   `json:"name"`
		RiskScore flexInt  `json:"risk_score"`
		Threats   []string `json:"threats"`
		Evidence  []string `json:"evidence"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = RiskComponent{Name: w.Name, RiskScore: int(w.RiskScore), Threats: w.Threats, Evidence: w.Evidence}
	return nil
}

// SSLInfo is one TLS certificate seen on the domain. Records before 2023
// carry only Hash, Subject, Organization and Email.
type SSLInfo struct {
	// Hash is the SHA-1 of the certificate, hex.
	Hash             Attr  `json:"hash"`
	Subject          Attr  `json:"subject"`
	Organization     Attr  `json:"organization"`
	Email            Attrs `json:"email"`
	AltNames         Attrs `json:"alt_names"`
	CommonName       Attr  `json:"common_name"`
	IssuerCommonName Attr  `json:"issuer_common_name"`
	// NotBefore and NotAfter are dates as YYYYMMDD numbers.
	NotBefore IntAttr `json:"not_before"`
	NotAfter  IntAttr `json:"not_after"`
	// Duration is the validity in days.
	Duration IntAttr    `json:"duration"`
	Sources  SSLSources `json:"sources"`
}

// SSLSources says when the certificate was last seen actively or passively
// (epoch milliseconds; nil when not seen that way).
type SSLSources struct {
	Active  *int64 `json:"active,omitempty"`
	Passive *int64 `json:"passive,omitempty"`
}

// Tag is an Iris tag set by the user's group.
type Tag struct {
	Label string `json:"label"`
	Scope string `json:"scope"`
	// TaggedAt is an RFC 3339 UTC time.
	TaggedAt string `json:"tagged_at"`
}

// resultFields has Result's fields without its methods, for decoding.
type resultFields Result

// UnmarshalJSON implements json.Unmarshaler and keeps a copy of the input
// in Raw.
func (r *Result) UnmarshalJSON(data []byte) error {
	var f resultFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	f.Raw = append(json.RawMessage(nil), data...)
	*r = Result(f)
	return nil
}
