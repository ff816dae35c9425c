package seed

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestProfileContentRoundTrip(t *testing.T) {
	t.Parallel()
	r := fixtureResult(t, "python_api_iris_investigate_int_chase_result.json", "int-chase.com")
	fetched := time.Date(2026, 2, 28, 10, 0, 0, 0, time.UTC)
	c, err := ProfileContent(Profile{Domain: "int-chase.com", Result: r, FetchedAt: fetched, Cached: true, Age: 90 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"domain": "int-chase.com", "found": true, "cached": true, "cache_age_seconds": int64(5400),
		"fetched_at": "2026-02-28T10:00:00Z", "risk_score": 71,
	} {
		if c[k] != want {
			t.Errorf("%s = %#v, want %#v", k, c[k], want)
		}
	}
	s, ok := c["dt_iris_data"].(string)
	if !ok || !strings.HasPrefix(s, `{"results":[{"domain":"int-chase.com"`) {
		t.Fatalf("dt_iris_data = %.80q, want a JSON string of {\"results\":[…]}", c["dt_iris_data"])
	}
	// What the workflow passes back (workflow.properties.dt_iris_data['dt_iris_data']) parses to the same labels.
	back, err := ParseIrisData(s)
	if err != nil || len(back) != 1 {
		t.Fatalf("ParseIrisData(dt_iris_data) = %d results, %v", len(back), err)
	}
	a, _ := json.Marshal(Format(r, nil, now))
	b, _ := json.Marshal(Format(back[0], nil, now))
	if string(a) != string(b) {
		t.Errorf("labels after round trip differ:\n%s\n%s", a, b)
	}
	// The whole content as JSON (a workflow passing the dict) also parses.
	whole, _ := json.Marshal(c)
	if back, err := ParseIrisData(string(whole)); err != nil || len(back) != 1 || back[0].Domain != "int-chase.com" {
		t.Errorf("ParseIrisData(content object) = %v, %v", back, err)
	}
}

func TestProfileContentNotFound(t *testing.T) {
	t.Parallel()
	c, err := ProfileContent(Profile{Domain: "nothing-here.example", FetchedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if c["found"] != false || c["risk_score"] != nil || c["dt_iris_data"] != `{"results":[]}` {
		t.Errorf("content = %v", c)
	}
	rs, err := ParseIrisData(c["dt_iris_data"].(string))
	if err != nil || len(rs) != 0 {
		t.Errorf("ParseIrisData(not found) = %v, %v; want no results, no error", rs, err)
	}
}

func TestParseIrisDataShapes(t *testing.T) {
	t.Parallel()
	dir := testenv.IrisFixtures(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	intChase := read("python_api_iris_investigate_int_chase_result.json")
	quoted, _ := json.Marshal(intChase)
	var inner struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal([]byte(intChase), &inner); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      string
		domains int
		first   string
	}{
		{"inner response object", intChase, 1, "int-chase.com"},
		{"wrapped envelope", read("python_api_iris_investigate_amazon_google.json"), 2, "amazon.com"},
		{"enrich envelope", read("python_api_iris_enrich_google.json"), 1, "google.com"},
		{"array (DomainCAT)", read("domaincat_treatment_care_results.json"), 195, "247healthcare.life"},
		{"single result", string(inner.Results[0]), 1, "int-chase.com"},
		{"JSON string of JSON", string(quoted), 1, "int-chase.com"},
		{"results wrapper", `{"results":[` + string(inner.Results[0]) + `]}`, 1, "int-chase.com"},
		{"dict with dt_iris_data object", `{"dt_iris_data":{"results":[` + string(inner.Results[0]) + `]}}`, 1, "int-chase.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs, err := ParseIrisData(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != tc.domains || rs[0].Domain != tc.first {
				t.Errorf("got %d results (first %q), want %d (first %q)", len(rs), rs[0].Domain, tc.domains, tc.first)
			}
		})
	}
}

func TestParseIrisDataRejects(t *testing.T) {
	t.Parallel()
	dir := testenv.IrisFixtures(t)
	errEnv, err := os.ReadFile(filepath.Join(dir, "python_api_error_403_bad_credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"empty":          "  ",
		"plain text":     "int-chase.com",
		"number":         "42",
		"unrelated dict": `{"foo": 1}`,
		"error envelope": string(errEnv),
		"broken json":    `{"results": [`,
		"quoted empty":   `""`,
	} {
		if _, err := ParseIrisData(in); !errors.Is(err, ErrNoIrisData) {
			t.Errorf("%s: err = %v, want ErrNoIrisData", name, err)
		}
	}
}

func TestRiskAndTags(t *testing.T) {
	t.Parallel()
	r := fixtureResult(t, "python_api_iris_investigate_int_chase_result.json", "int-chase.com")
	ri := Risk(r)
	if ri.Score == nil || *ri.Score != 71 || *ri.Proximity != 38 || *ri.ThreatProfile != 71 {
		t.Errorf("risk = %+v", ri)
	}
	if ri.Components["threat_profile_phishing"] != 68 || len(ri.Components) != 5 {
		t.Errorf("components = %v", ri.Components)
	}
	if strings.Join(ri.Threats, ",") != "spam" || strings.Join(ri.Evidence, ",") != "registrant,domain name,name server" {
		t.Errorf("threats %v evidence %v", ri.Threats, ri.Evidence)
	}
	for th, want := range map[int]bool{70: true, 71: true, 72: false, 90: false} {
		if got := ri.HighRisk(th); got != want {
			t.Errorf("HighRisk(%d) = %v, want %v", th, got, want)
		}
	}
	tests := []struct {
		wanted  []string
		matched string
	}{
		{[]string{"phishing", "malware"}, ""},
		{[]string{"BlockList "}, "blocklist"},
		{nil, ""},
	}
	for _, tc := range tests {
		all, matched := Tags(r, tc.wanted)
		if strings.Join(all, ",") != "blocklist" || strings.Join(matched, ",") != tc.matched {
			t.Errorf("Tags(%v) = %v, %v; want matched %q", tc.wanted, all, matched, tc.matched)
		}
	}
}

func TestNotes(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		NoteProfiled("int-chase.com"):         "Performed DomainTools Iris profile of int-chase.com",
		NoteAdded("int-chase.com"):            "Added int-chase.com to DomainTools Table",
		NoteHighRisk("int-suntrust.com", 100): "High Risk domain observed: int-suntrust.com, 100",
		NoteDomainNotFound("x.example"):       "Domain Not Found: x.example (DomainTools Iris has no data)",
		NoteTag("x.example", "phishing"):      "DomainTools Iris tag observed on x.example: phishing",
	} {
		if got != want {
			t.Errorf("note %q, want %q", got, want)
		}
	}
}
