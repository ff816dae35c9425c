package pivoter

import (
	"net/netip"
	"strings"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/work"
)

// Function input names (the seed app's).
const (
	inIrisData     = "dt_iris_data_in"
	inPivotCount   = "dt_pivot_count"
	inPivotValue   = "dt_pivot_value"
	inPivotType    = "dt_pivot_type"
	inUpdatedAfter = "dt_data_updated_after"
	inCreatedDate  = "dt_created_date"
	inDomainName   = "dt_domain_name"
	inIncidentID   = "incident_id"
	inPivotTypes   = "dt_pivot_types"
	inArtifactID   = "artifact_id"
)

// badInput is the permanent error of a function call with unusable inputs.
func badInput(format string, args ...any) error {
	return work.BadInput("bad input: "+format, args...)
}

// threshold reads dt_pivot_count, def when unset.
func threshold(in resilient.Inputs, def int) (int, error) {
	n, ok, err := in.Int(inPivotCount)
	switch {
	case err != nil:
		return 0, badInput("%v", err)
	case !ok:
		return def, nil
	case n < 2:
		return 0, badInput("%s must be 2 or more (a value's count is 1 when only the domain itself has it), got %d", inPivotCount, n)
	}
	return int(n), nil
}

// pivotTypes reads a multiselect or comma-separated list of pivot types.
func pivotTypes(in resilient.Inputs, name string) []string {
	if cs := in.MultiSelect(name); len(cs) > 0 {
		out := make([]string, 0, len(cs))
		for _, c := range cs {
			if c.Name != "" {
				out = append(out, c.Name)
			}
		}
		return out
	}
	s, _ := in.String(name)
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// incidentID reads incident_id, falling back to the invocation's.
func incidentID(in resilient.Inputs, inv *flow.Invocation) (int64, error) {
	n, ok, err := in.Int(inIncidentID)
	if err != nil {
		return 0, badInput("%v", err)
	}
	if ok && n > 0 {
		return n, nil
	}
	if inv.IncidentID > 0 {
		return inv.IncidentID, nil
	}
	return 0, badInput("%s is required", inIncidentID)
}

// checkValue rejects a dt_pivot_value that cannot be a value of param:
// an IP type that is not an IP address, an e-mail type that is not an
// e-mail address (Iris would only answer "nothing found").
func checkValue(param, value string) error {
	switch param {
	case "ip", "nameserver_ip", "mailserver_ip":
		if _, err := netip.ParseAddr(value); err != nil {
			return badInput("%s: %s is not an IP address", inPivotValue, domain.Quote(value))
		}
	case "email", "ssl_email":
		local, host, ok := strings.Cut(value, "@")
		if !ok || local == "" || host == "" || strings.ContainsAny(value, " \t<>\"") || strings.Contains(host, "@") {
			return badInput("%s: %s is not an e-mail address", inPivotValue, domain.Quote(value))
		}
	}
	return nil
}
