package flow

import "testing"

func TestKindForFunction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fn        string
		overrides map[string]string
		want      Kind
		ok        bool
	}{
		{"profile", "domaintools_profile_domain_with_iris", nil, KindProfile, true},
		{"execute", "domaintools_execute_pivots", nil, KindPivotsExecute, true},
		{"auto pivot", "domaintools_auto_pivot_with_iris", nil, KindPivotsAuto, true},
		{"unknown", "mock_function_one", nil, "", false},
		{"override", "dt_profile", map[string]string{"dt_profile": "profile"}, KindProfile, true},
		{"override wins", "domaintools_extract_risk_score", map[string]string{"domaintools_extract_risk_score": "tags"}, KindTags, true},
		{"invalid override ignored", "domaintools_extract_risk_score", map[string]string{"domaintools_extract_risk_score": "nope"}, KindRisk, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := KindForFunction(tt.fn, tt.overrides)
			if got != tt.want || ok != tt.ok {
				t.Errorf("KindForFunction(%q) = %q, %v; want %q, %v", tt.fn, got, ok, tt.want, tt.ok)
			}
		})
	}
	for name, k := range FunctionKinds {
		if !k.Valid() {
			t.Errorf("%s maps to invalid kind %q", name, k)
		}
	}
}
