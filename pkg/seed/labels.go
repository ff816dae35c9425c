package seed

// The display labels of Format's output, as the seed app's post-process
// script reads them (user guide, "Format Iris Investigate Data").
const (
	LabelDomainName            = "Domain Name"
	LabelRetrievalDate         = "Retrieval Date"
	LabelAge                   = "Age"
	LabelOverallRisk           = "Overall Risk Score"
	LabelProximityRisk         = "Proximity Risk Score"
	LabelThreatProfileRisk     = "Threat Profile Risk Score"
	LabelWebsiteResponseCode   = "Website Response Code"
	LabelIPCountryCode         = "IP Country Code"
	LabelAlexa                 = "Alexa"
	LabelRegistrantName        = "Registrant Name"
	LabelRegistrantOrg         = "Registrant Org"
	LabelRegistrantContact     = "Registrant Contact"
	LabelSOAEmail              = "SOA Email"
	LabelSSLCertificateEmail   = "SSL Certificate Email"
	LabelAdminContact          = "Admin Contact"
	LabelTechnicalContact      = "Technical Contact"
	LabelBillingContact        = "Billing Contact"
	LabelEmailDomains          = "Email Domains"
	LabelAdditionalWhoisEmails = "Additional Whois Emails"
	LabelDomainRegistrar       = "Domain Registrar"
	LabelRegistrarStatus       = "Registrar Status"
	LabelDomainStatus          = "Domain Status"
	LabelCreateDate            = "Create Date"
	LabelExpirationDate        = "Expiration Date"
	LabelIPAddresses           = "IP Addresses"
	LabelMailServers           = "Mail Servers"
	LabelSPFRecord             = "SPF Record"
	LabelNameServers           = "Name Servers"
	LabelSSLCertificate        = "SSL Certificate"
	LabelRedirectsTo           = "Redirects To"
	LabelGoogleAdsenseCode     = "Google Adsense Tracking Code"
	LabelGoogleAnalyticsCode   = "Google Analytics Tracking Code"
)

// The option groups of the dt_format_options input.
const (
	GroupAnalytics    = "Analytics"
	GroupIdentity     = "Identity"
	GroupRegistration = "Registration"
	GroupHosting      = "Hosting"
)

// Groups lists the option groups in the order of the seed app's LOV.
var Groups = []string{GroupAnalytics, GroupIdentity, GroupRegistration, GroupHosting}

// GroupLabels says which labels each option group fills, following the
// grouping of XSOAR's create_results (the closest public relative of the
// seed app). Domain Name and Retrieval Date belong to no group: Format
// always fills them.
var GroupLabels = map[string][]string{
	GroupAnalytics: {
		LabelAge, LabelOverallRisk, LabelProximityRisk, LabelThreatProfileRisk,
		LabelWebsiteResponseCode, LabelAlexa, LabelGoogleAdsenseCode, LabelGoogleAnalyticsCode,
	},
	GroupIdentity: {
		LabelRegistrantName, LabelRegistrantOrg, LabelRegistrantContact, LabelSOAEmail,
		LabelSSLCertificateEmail, LabelAdminContact, LabelTechnicalContact, LabelBillingContact,
		LabelEmailDomains, LabelAdditionalWhoisEmails,
	},
	GroupRegistration: {
		LabelDomainRegistrar, LabelRegistrarStatus, LabelDomainStatus, LabelCreateDate, LabelExpirationDate,
	},
	GroupHosting: {
		LabelIPAddresses, LabelIPCountryCode, LabelMailServers, LabelSPFRecord, LabelNameServers,
		LabelSSLCertificate, LabelRedirectsTo,
	},
}

// Column is one column of the domaintools_results data table and the label
// whose value it receives.
type Column struct {
	Label string // Format label
	Name  string // data-table column API name
}

// TableName is the API name of the seed app's data table.
const TableName = "domaintools_results"

// Columns are the 32 columns of domaintools_results in the order of the
// seed app's post-process script. Note "Create Date" → created_date.
var Columns = []Column{
	{LabelDomainName, "domain_name"},
	{LabelRetrievalDate, "retrieval_date"},
	{LabelAge, "age"},
	{LabelOverallRisk, "overall_risk_score"},
	{LabelProximityRisk, "proximity_risk_score"},
	{LabelThreatProfileRisk, "threat_profile_risk_score"},
	{LabelWebsiteResponseCode, "website_response_code"},
	{LabelIPCountryCode, "ip_country_code"},
	{LabelAlexa, "alexa"},
	{LabelRegistrantName, "registrant_name"},
	{LabelRegistrantOrg, "registrant_org"},
	{LabelRegistrantContact, "registrant_contact"},
	{LabelSOAEmail, "soa_email"},
	{LabelSSLCertificateEmail, "ssl_certificate_email"},
	{LabelAdminContact, "admin_contact"},
	{LabelTechnicalContact, "technical_contact"},
	{LabelBillingContact, "billing_contact"},
	{LabelEmailDomains, "email_domains"},
	{LabelAdditionalWhoisEmails, "additional_whois_emails"},
	{LabelDomainRegistrar, "domain_registrar"},
	{LabelRegistrarStatus, "registrar_status"},
	{LabelDomainStatus, "domain_status"},
	{LabelCreateDate, "created_date"},
	{LabelExpirationDate, "expiration_date"},
	{LabelIPAddresses, "ip_addresses"},
	{LabelMailServers, "mail_servers"},
	{LabelSPFRecord, "spf_record"},
	{LabelNameServers, "name_servers"},
	{LabelSSLCertificate, "ssl_certificate"},
	{LabelRedirectsTo, "redirects_to"},
	{LabelGoogleAdsenseCode, "google_adsense_tracking_code"},
	{LabelGoogleAnalyticsCode, "google_analytics_tracking_code"},
}
