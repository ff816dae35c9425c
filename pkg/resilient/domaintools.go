package resilient

// DomainTools app objects in SOAR (fn_domaintools, docs/resilient-protocol.md §5).
const (
	// DomainToolsDestination is the message destination of the app.
	DomainToolsDestination = "domaintools"
	// ResultsTable is the API name of the app's data table.
	ResultsTable = "domaintools_results"
)

// ResultsColumns are the API names of the 32 columns of ResultsTable, in
// the order of the app's column map.
var ResultsColumns = []string{
	"domain_name", "retrieval_date", "age",
	"overall_risk_score", "proximity_risk_score", "threat_profile_risk_score",
	"website_response_code", "ip_country_code", "alexa",
	"registrant_name", "registrant_org", "registrant_contact",
	"soa_email", "ssl_certificate_email",
	"admin_contact", "technical_contact", "billing_contact",
	"email_domains", "additional_whois_emails",
	"domain_registrar", "registrar_status", "domain_status",
	"created_date", "expiration_date",
	"ip_addresses", "mail_servers", "spf_record", "name_servers",
	"ssl_certificate", "redirects_to",
	"google_adsense_tracking_code", "google_analytics_tracking_code",
}
