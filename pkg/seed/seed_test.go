package seed

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is the fixed clock of the goldens.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixtureResults reads one recorded Iris file and returns its results; a
// name under own/ is one of the project's own (testenv.ProjectIrisFixtures).
func fixtureResults(t *testing.T, name string) []*iris.Result {
	t.Helper()
	var path string
	if own, ok := strings.CutPrefix(name, "own/"); ok {
		path = filepath.Join(testenv.ProjectIrisFixtures(t), own)
	} else {
		path = filepath.Join(testenv.IrisFixtures(t), name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ParseIrisData(string(data))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return rs
}

func fixtureResult(t *testing.T, name, domain string) *iris.Result {
	t.Helper()
	for _, r := range fixtureResults(t, name) {
		if r.Domain == domain {
			return r
		}
	}
	t.Fatalf("%s has no result for %s", name, domain)
	return nil
}

// golden compares v, as indented JSON, with testdata/<name>.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n got: %s\nwant: %s", name, got, want)
	}
}

func TestFormatGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, domain string
	}{
		{"int-chase", "python_api_iris_investigate_int_chase_result.json", "int-chase.com"},
		{"domaincat-247healthcare", "domaincat_treatment_care_results.json", "247healthcare.life"},
		{"amazon-zerolist", "python_api_iris_investigate_amazon_google.json", "amazon.com"},
		{"google-enrich", "python_api_iris_enrich_google.json", "google.com"},
		// the project's own: tested where the recordings are absent too
		{"own-whoissuggest", "own/irisflow_sim_investigate_whoissuggest_int_chase.json", "whoissuggest.com"},
		{"own-int-chase", "own/irisflow_sim_investigate_whoissuggest_int_chase.json", "int-chase.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := fixtureResult(t, tc.file, tc.domain)
			labels := Format(r, nil, now)
			golden(t, tc.name+".labels", labels)
			row := Row(labels)
			if len(row) != 32 {
				t.Errorf("row has %d columns, want 32", len(row))
			}
			golden(t, tc.name+".row", row)
		})
	}
}

func TestFormatIntChaseValues(t *testing.T) {
	t.Parallel()
	r := fixtureResult(t, "python_api_iris_investigate_int_chase_result.json", "int-chase.com")
	l := Format(r, nil, now)
	want := map[string]any{
		LabelDomainName:          "int-chase.com",
		LabelRetrievalDate:       "2026-03-01",
		LabelAge:                 int(now.Sub(time.Date(2020, 10, 13, 0, 0, 0, 0, time.UTC)).Hours() / 24),
		LabelOverallRisk:         71,
		LabelProximityRisk:       38,
		LabelThreatProfileRisk:   71,
		LabelWebsiteResponseCode: 403,
		LabelIPAddresses:         "99.83.154.118",
		LabelIPCountryCode:       "US",
		LabelDomainRegistrar:     "NAMECHEAP INC",
		LabelRegistrarStatus:     "clienttransferprohibited, redemptionperiod",
		LabelDomainStatus:        "Inactive",
		LabelCreateDate:          "2020-10-13",
		LabelRedirectsTo:         "www.chase.com",
		LabelSOAEmail:            "hostmaster@int-chase.com",
		LabelEmailDomains:        "namecheap.com, mail.withheldforprivacy.com",
		LabelAlexa:               "",
		LabelRegistrantContact:   "REACTIVATION PERIOD, Withheld for Privacy Purposes, reactivation-pending@mail.withheldforprivacy.com, 3544212434, IS",
		LabelBillingContact:      "",
	}
	for label, w := range want {
		if got := l[label]; got != w {
			t.Errorf("%s = %#v, want %#v", label, got, w)
		}
	}
}

func TestFormatZerolistHasNoProximity(t *testing.T) {
	t.Parallel()
	for _, d := range []string{"amazon.com", "google.com"} {
		r := fixtureResult(t, "python_api_iris_investigate_amazon_google.json", d)
		l := Format(r, []string{"analytics"}, now)
		if got := l[LabelProximityRisk]; got != "" {
			t.Errorf("%s: proximity = %#v, want \"\" (zero-listed)", d, got)
		}
		if got := l[LabelThreatProfileRisk]; got != 0 {
			t.Errorf("%s: threat profile = %#v, want 0", d, got)
		}
		if got := Row(l)["proximity_risk_score"]; got != "" {
			t.Errorf("%s: proximity cell = %#v, want \"\"", d, got)
		}
		if !Risk(r).Zerolisted {
			t.Errorf("%s: not zerolisted", d)
		}
	}
}

func TestFormatAlexaFallsBackToPopularityRank(t *testing.T) {
	t.Parallel()
	r := fixtureResult(t, "python_api_iris_investigate_amazon_google.json", "amazon.com")
	tests := []struct {
		name        string
		alexa, rank iris.NullInt
		want        any
	}{
		{"alexa", iris.Known(5), iris.Known(27), 5},
		{"rank", iris.NullInt{}, iris.Known(27), 27},
		{"none", iris.NullInt{}, iris.NullInt{}, ""},
	}
	for _, tc := range tests {
		c := *r
		c.Alexa, c.PopularityRank = tc.alexa, tc.rank
		if got := Format(&c, nil, now)[LabelAlexa]; got != tc.want {
			t.Errorf("%s: Alexa = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

func TestFormatGroups(t *testing.T) {
	t.Parallel()
	r := fixtureResult(t, "python_api_iris_investigate_int_chase_result.json", "int-chase.com")
	full := Format(r, nil, now)
	for _, g := range Groups {
		t.Run(g, func(t *testing.T) {
			t.Parallel()
			l := Format(r, []string{strings.ToUpper(g)}, now)
			if len(l) != 32 {
				t.Fatalf("%d labels, want all 32", len(l))
			}
			in := map[string]bool{LabelDomainName: true, LabelRetrievalDate: true}
			for _, label := range GroupLabels[g] {
				in[label] = true
			}
			for label, v := range l {
				switch {
				case in[label] && v != full[label]:
					t.Errorf("%s = %#v, want %#v", label, v, full[label])
				case !in[label] && v != "":
					t.Errorf("%s outside %s = %#v, want \"\"", label, g, v)
				}
			}
		})
	}
}

func TestGroupsCoverEveryColumnOnce(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for g, labels := range GroupLabels {
		for _, l := range labels {
			if other, dup := seen[l]; dup {
				t.Errorf("%s in %s and %s", l, g, other)
			}
			seen[l] = g
		}
	}
	for _, c := range Columns {
		if _, ok := seen[c.Label]; !ok && c.Label != LabelDomainName && c.Label != LabelRetrievalDate {
			t.Errorf("label %s is in no group", c.Label)
		}
	}
	if len(Columns) != 32 {
		t.Errorf("%d columns, want 32", len(Columns))
	}
}

func TestParseGroups(t *testing.T) {
	t.Parallel()
	got, err := ParseGroups([]string{" hosting", "Identity", ""})
	if err != nil || strings.Join(got, ",") != "Hosting,Identity" {
		t.Errorf("ParseGroups = %v, %v", got, err)
	}
	if _, err := ParseGroups([]string{"Hostng"}); err == nil || !strings.Contains(err.Error(), `"Hostng"`) {
		t.Errorf("unknown group: err = %v, want one naming it", err)
	}
}
