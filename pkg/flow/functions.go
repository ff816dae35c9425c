package flow

// FunctionKinds maps the API names of the seed app's functions (the
// fn_domaintools message destination) to the kind of FN work they ask for.
var FunctionKinds = map[string]Kind{
	"domaintools_profile_domain_with_iris":     KindProfile,
	"domaintools_format_iris_investigate_data": KindFormat,
	"domaintools_extract_risk_score":           KindRisk,
	"domaintools_check_domain_tags":            KindTags,
	"domaintools_discover_actionable_pivots":   KindPivotsDiscover,
	"domaintools_execute_pivots":               KindPivotsExecute,
	"domaintools_auto_pivot_with_iris":         KindPivotsAuto,
}

// KindForFunction returns the kind of work a function API name asks for.
// overrides (function API name -> kind) come first, so that a deployment
// whose functions were renamed still routes; an override naming an invalid
// kind is ignored. ok is false for an unknown function.
func KindForFunction(name string, overrides map[string]string) (Kind, bool) {
	if k, ok := overrides[name]; ok && Kind(k).Valid() {
		return Kind(k), true
	}
	k, ok := FunctionKinds[name]
	return k, ok
}
