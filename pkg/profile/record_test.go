package profile_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/store"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func simResult(t *testing.T, name string) *iris.Result {
	t.Helper()
	sim, err := irissim.New(irissim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := sim.Domain(name)
	if !ok {
		t.Fatalf("simulator has no %s", name)
	}
	var r iris.Result
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Raw) == 0 {
		r.Raw = raw
	}
	return &r
}

func TestToStoreColumns(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"int-suntrust.com", "int-chase.com"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := simResult(t, name)
			p, err := profile.ToStore(name, r)
			if err != nil {
				t.Fatal(err)
			}
			if p.Domain != name || !p.Found || p.Source != store.SourceInvestigate || len(p.Raw) == 0 {
				t.Fatalf("row %+v", p)
			}
			if s, ok := r.RiskScore(); !ok || p.RiskScore == nil || *p.RiskScore != s {
				t.Errorf("risk score %v, want %d", p.RiskScore, s)
			}
			if !slices.Equal(p.Tags, r.TagLabels()) {
				t.Errorf("tags %v, want %v", p.Tags, r.TagLabels())
			}
			if ips := r.IPAddresses(); len(ips) > 0 && p.FirstIP != ips[0] {
				t.Errorf("first ip %q, want %q", p.FirstIP, ips[0])
			}
			if p.TLD != r.TLD || p.Registrar != r.Registrar.Value || p.Active == nil || *p.Active != r.Active {
				t.Errorf("registration columns %+v", p)
			}
			if c, ok := r.Component(iris.ComponentProximity); ok && (p.ProximityScore == nil || *p.ProximityScore != c.RiskScore) {
				t.Errorf("proximity %v, want %d", p.ProximityScore, c.RiskScore)
			}
		})
	}
}

func TestFromStore(t *testing.T) {
	t.Parallel()
	r := simResult(t, "int-chase.com")
	row, err := profile.ToStore("int-chase.com", r)
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	row.FetchedAt = fetched
	now := fetched.Add(90 * time.Minute)
	tests := []struct {
		name      string
		row       store.Profile
		wantErr   string
		wantFound bool
	}{
		{"found", row, "", true},
		{"negative", profile.Negative("none.example"), "", false},
		{"enrich row", store.Profile{Domain: "x.example", Source: store.SourceEnrich, Found: true, Raw: row.Raw}, "source", false},
		{"undecodable", store.Profile{Domain: "x.example", Source: store.SourceInvestigate, Found: true, Raw: []byte(`[1]`)}, "decode", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.row.FetchedAt = fetched
			a, err := profile.FromStore(tt.row, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Found() != tt.wantFound || !a.Cached || a.Age != 90*time.Minute || a.Domain != tt.row.Domain {
				t.Errorf("answer %+v", a)
			}
			if tt.wantFound && a.Result.Domain != "int-chase.com" {
				t.Errorf("decoded result of %q", a.Result.Domain)
			}
		})
	}
}
