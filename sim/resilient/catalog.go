package resilientsim

import "github.com/irisflow/irisflow/pkg/resilient"

// This file is what the sim's SOAR org is customised with: SOAR's built-in
// incident fields with the values of IBM's recorded org
// (pytest-resilient-circuits data/200_JSON_GET__types_incident_fields.json:
// ids, names, input types, select values; the country and state lists cut
// to the two countries the states refer to), the seed app's custom field,
// message destination, functions and rules (docs/resilient-protocol.md §5),
// and the sim's one user.

// The sim's user: the owner and creator of every incident, the principal
// of every message.
const (
	simUserID    int64 = 1
	simUserFirst       = "Admin"
	simUserLast        = "User"
)

// simUserLabel is how select_owner fields list the user.
func simUserLabel() string { return simUserFirst + " " + simUserLast + " (" + DefaultEmail + ")" }

// destinationID is the id of the message destination "domaintools".
const destinationID int64 = 51

var incidentFields = func() []fieldDef {
	owners := []option{{simUserID, simUserLabel()}}
	f := func(id int64, name, text, input string) fieldDef {
		return fieldDef{id: id, typeID: typeIncident, name: name, text: text, inputType: input, internal: true}
	}
	fields := []fieldDef{
		f(6, "addr", "Address", "text"),
		withRO(f(17, "hard_liability", "Assessed Liability", "number")),
		f(7, "city", "City", "text"),
		withValues(f(26, "country", "Country", "select"), option{int64(1000), "United States"}, option{int64(1001), "Canada"}),
		withValues(withRO(f(39, "creator_id", "Created By", "select_owner")), owners...),
		withValues(f(31, "crimestatus_id", "Criminal Activity", "select"),
			option{int64(1), "No"}, option{int64(2), "Yes"}, option{int64(3), "Yes - Freeze Tasks"}, option{int64(4), "Completed"}, option{int64(5), "Unknown"}),
		f(3, "data_compromised", "Data Compromised", "boolean"),
		f(20, "data_encrypted", "Data Encrypted", "boolean"),
		withValues(f(19, "data_format", "Data Format", "select"), option{int64(0), "Electronic"}, option{int64(1), "Paper"}, option{int64(2), "Verbal"}),
		withRO(f(38, "end_date", "Date Closed", "datetimepicker")),
		withRO(f(37, "create_date", "Date Created", "datetimepicker")),
		withRequired(f(23, "discovered_date", "Date Discovered", "datetimepicker"), "always"),
		f(32, "start_date", "Date Occurred", "datetimepicker"),
		f(8, "exposure_dept_id", "Department", "select"),
		f(14, "description", "Description", "textarea"),
		f(30, "employee_involved", "Employee Involved", "boolean"),
		f(22, "data_contained", "Exposure Resolved", "boolean"),
		withValues(f(5, "exposure_type_id", "Exposure Type", "select"), option{int64(2), "External Party"}, option{int64(3), "Individual"}, option{int64(1), "Unknown"}),
		withValues(f(27, "harmstatus_id", "Harm Foreseeable", "select"), option{int64(1), "No"}, option{int64(2), "Unknown"}, option{int64(3), "Yes"}),
		withRO(f(40, "id", "ID", "number")),
		f(13, "confirmed", "Incident Disposition", "boolean"),
		withValues(f(15, "incident_type_ids", "Incident Type", "multiselect"),
			option{int64(17), "Communication error (fax; email)"}, option{int64(21), "Denial of Service"},
			option{int64(6), "Improper disposal: digital asset(s)"}, option{int64(7), "Improper disposal: documents / files"},
			option{int64(3), "Lost PC / laptop / tablet"}, option{int64(1), "Lost PDA / smartphone"},
			option{int64(4), "Lost documents / files / records"}, option{int64(8), "Lost storage device / media"},
			option{int64(19), "Malware"}, option{int64(23), "Not an Issue"}, option{int64(18), "Other"},
			option{int64(22), "Phishing"}, option{int64(12), "Stolen PC / laptop / tablet"},
			option{int64(13), "Stolen PDA / smartphone"}, option{int64(11), "Stolen documents / files / records"},
			option{int64(14), "Stolen storage device / media"}, option{int64(20), "System Intrusion"},
			option{int64(16), "TBD / Unknown"}, option{int64(15), "Vendor / 3rd party error"}),
		f(25, "exposure_individual_name", "Individual Name", "text"),
		f(1, "jurisdiction_name", "Jurisdiction", "text"),
		withValues(f(21, "members", "Members", "multiselect_members"), owners...),
		withRequired(f(16, "name", "Name", "text"), "always"),
		f(28, "negative_pr_likely", "Negative PR", "boolean"),
		withRO(f(41, "due_date", "Next Due Date", "datetimepicker")),
		withValues(f(2, "nist_attack_vectors", "NIST Attack Vectors", "multiselect"),
			option{int64(2), "Attrition (Denial-of-Service and Brute-Force Attacks)"}, option{int64(4), "E-mail"},
			option{int64(1), "External/Removable Media"}, option{int64(5), "Impersonation"}, option{int64(6), "Improper Usage"},
			option{int64(7), "Loss or Theft of Equipment"}, option{int64(8), "Other"}, option{int64(3), "Web"}),
		withValues(f(29, "owner_id", "Owner", "select_owner"), owners...),
		withValues(withRO(f(18, "phase_id", "Phase", "select")),
			option{int64(1004), "Initial"}, option{int64(1003), "Engage"}, option{int64(1005), "Detect/Analyze"},
			option{int64(1002), "Respond"}, option{int64(1000), "Post-Incident"}, option{int64(1006), "Custom"}, option{int64(1001), "Complete"}),
		f(9, "reporter", "Reporting Individual", "text"),
		withValues(withRequired(f(34, "resolution_id", "Resolution", "select"), "close"),
			option{int64(54), "Duplicate"}, option{int64(53), "Unresolved"}, option{int64(55), "Not an Issue"}, option{int64(56), "Resolved"}),
		withRequired(f(35, "resolution_summary", "Resolution Summary", "textarea"), "close"),
		withValues(f(33, "severity_code", "Severity", "select"), option{int64(50), "Low"}, option{int64(51), "Medium"}, option{int64(52), "High"}),
		withRO(f(36, "inc_training", "Simulation", "boolean")),
		f(11, "data_source_ids", "Source of Data", "multiselect"),
		f(4, "state", "State", "select"),
		withValues(f(10, "plan_status", "Status", "select"), option{"A", "Active"}, option{"C", "Closed"}),
		f(12, "exposure_vendor_id", "Vendor", "select"),
		f(24, "zip", "Zip", "text"),
		// The seed app's post-process sets it (docs/resilient-protocol.md
		// §5, bug 6: not among the shipped customisations; the sim has it).
		{id: 301, typeID: typeIncident, name: "domaintoolsdata", text: "DomainTools Data", inputType: "boolean",
			tooltip: "Set by the DomainTools workflows once a domain of the incident is profiled"},
	}
	for i := range fields {
		fields[i].blank = fields[i].inputType == "select" && len(fields[i].values) == 0
		fields[i].chosen = fields[i].inputType == "multiselect" || fields[i].inputType == "select_owner" || fields[i].inputType == "multiselect_members"
	}
	return fields
}()

func withRO(f fieldDef) fieldDef                       { f.readOnly = true; return f }
func withRequired(f fieldDef, when string) fieldDef    { f.required = when; return f }
func withValues(f fieldDef, values ...option) fieldDef { f.values = values; return f }

// artifactFields are the artifact's built-in fields; type lists the
// artifact types the sim knows.
var artifactFields = func() []fieldDef {
	f := func(id int64, name, text, input string) fieldDef {
		return fieldDef{id: id, typeID: typeArtifact, name: name, text: text, inputType: input, internal: true}
	}
	types := make([]option, 0, len(artifactTypes))
	for _, id := range []int64{resilient.ArtifactIPAddress, resilient.ArtifactDNSName} {
		types = append(types, option{id, artifactTypes[id]})
	}
	return []fieldDef{
		withRO(f(1001, "id", "ID", "number")),
		withValues(withRequired(f(1002, "type", "Type", "select"), "always"), types...),
		withRequired(f(1003, "value", "Value", "text"), "always"),
		f(1004, "description", "Description", "textarea"),
		f(1005, "relating", "Relate", "boolean"),
		withRO(f(1006, "created", "Created", "datetimepicker")),
		withRO(f(1007, "inc_id", "Incident ID", "number")),
	}
}()

// functionInputs are the inputs of the DomainTools functions (__function
// fields): the seed app's, plus irisflow's optional ones (dt_force_refresh,
// dt_risk_threshold, dt_tags, dt_pivot_types, artifact_id). The select
// value ids are those sim/resilient/soar encodes inputs with.
var functionInputs = func() []fieldDef {
	f := func(id int64, name, text, input string) fieldDef {
		return fieldDef{id: id, typeID: typeFunction, name: name, text: text, inputType: input}
	}
	pivotTypes := []string{"ssl_hash", "ip", "email", "email_domain", "nameserver_host", "nameserver_domain", "nameserver_ip",
		"registrant", "registrant_org", "mailserver_host", "mailserver_domain", "mailserver_ip", "redirect_domain",
		"ssl_org", "ssl_subject", "ssl_email", "google_analytics", "adsense", "baidu_analytics"}
	pivots := make([]option, len(pivotTypes))
	for i, p := range pivotTypes {
		pivots[i] = option{int64(301 + i), p}
	}
	return []fieldDef{
		f(401, "dt_domain_name", "dt_domain_name", "text"),
		f(402, "incident_id", "incident_id", "number"),
		withValues(f(403, "dt_format_options", "dt_format_options", "multiselect"),
			option{int64(211), "Analytics"}, option{int64(212), "Identity"}, option{int64(213), "Registration"}, option{int64(214), "Hosting"}),
		withValues(f(404, "dt_format_type", "dt_format_type", "select"), option{int64(201), "JSON"}, option{int64(202), "Text"}),
		f(405, "dt_iris_data_in", "dt_iris_data_in", "text"),
		f(406, "dt_pivot_count", "dt_pivot_count", "number"),
		f(407, "dt_pivot_value", "dt_pivot_value", "text"),
		withValues(f(408, "dt_pivot_type", "dt_pivot_type", "select"), pivots...),
		f(409, "dt_data_updated_after", "dt_data_updated_after", "datepicker"),
		f(410, "dt_created_date", "dt_created_date", "datepicker"),
		f(411, "dt_force_refresh", "dt_force_refresh", "boolean"),
		f(412, "dt_risk_threshold", "dt_risk_threshold", "number"),
		f(413, "dt_tags", "dt_tags", "text"),
		f(414, "dt_pivot_types", "dt_pivot_types", "text"),
		f(415, "artifact_id", "artifact_id", "number"),
	}
}()

// functionDef is one function of the app.
type functionDef struct {
	id          int64
	name        string // API name
	displayName string
	description string
	inputs      []string
}

// functions are the DomainTools functions, with the ids and display names
// sim/resilient/soar sends in its messages.
var functions = []functionDef{
	{11, "domaintools_profile_domain_with_iris", "DomainTools: Profile Domain with Iris",
		"Profile a domain with DomainTools Iris Investigate", []string{"dt_domain_name", "incident_id", "dt_force_refresh"}},
	{12, "domaintools_format_iris_investigate_data", "DomainTools: Format Iris Investigate Data",
		"Format Iris Investigate data for a data table", []string{"incident_id", "dt_format_options", "dt_format_type", "dt_iris_data_in"}},
	{13, "domaintools_extract_risk_score", "DomainTools: Extract Risk Score",
		"Extract the risk score of an Iris profile", []string{"dt_iris_data_in", "incident_id", "dt_risk_threshold"}},
	{14, "domaintools_check_domain_tags", "DomainTools: Check Domain Tags",
		"Check an Iris profile for tags", []string{"dt_iris_data_in", "incident_id", "dt_tags"}},
	{15, "domaintools_discover_actionable_pivots", "DomainTools: Discover Actionable Pivots",
		"Discover the pivots of an Iris profile below a threshold", []string{"dt_iris_data_in", "dt_pivot_count"}},
	{16, "domaintools_execute_pivots", "DomainTools: Execute Pivots",
		"Run an Iris pivot search", []string{"dt_pivot_value", "dt_pivot_type", "dt_data_updated_after", "dt_created_date"}},
	{17, "domaintools_auto_pivot_with_iris", "DomainTools: Auto Pivot with Iris",
		"Profile a domain, pivot on it and add the connected domains as artifacts",
		[]string{"dt_domain_name", "incident_id", "artifact_id", "dt_pivot_types", "dt_pivot_count"}},
}

// ruleDef is one rule (action) of the org.
type ruleDef struct {
	id        int64
	name      string
	automatic bool
}

// rules: the irisflow playbook's automatic rule (DNS Name artifact created
// → domaintools; its id is the action_id sim/resilient/soar sends) and the
// seed app's four manual artifact rules (docs/resilient-protocol.md §5).
var rules = []ruleDef{
	{21, "DomainTools: DNS Name artifact created", true},
	{22, "DT: Profile Domain with Iris", false},
	{23, "DT: Domain Risk Score", false},
	{24, "DT: Auto Pivot with Iris", false},
	{25, "DT: Check for Tagged Domains", false},
}

// fieldsOf answers the fields of an object type by its API name.
func fieldsOf(typeName string) ([]fieldDef, int64, bool) {
	switch typeName {
	case "incident":
		return incidentFields, typeIncident, true
	case "artifact":
		return artifactFields, typeArtifact, true
	case "actioninvocation":
		// No built-in action fields; the app defines no activity fields.
		return nil, typeActionInvocation, true
	case "__function":
		return functionInputs, typeFunction, true
	}
	return nil, 0, false
}

// incidentField answers the incident field named name.
func incidentField(name string) fieldDef {
	for _, f := range incidentFields {
		if f.name == name {
			return f
		}
	}
	return fieldDef{}
}
