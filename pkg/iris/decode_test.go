package iris_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return data
}

func decodeFixture(t testing.TB, name string) *iris.Response {
	t.Helper()
	resp, err := iris.DecodeResponse(readFile(t, filepath.Join(testenv.IrisFixtures(t), name)))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return resp
}

func decodeTestdata(t testing.TB, name string) *iris.Response {
	t.Helper()
	resp, err := iris.DecodeResponse(readFile(t, filepath.Join("testdata", name)))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return resp
}

// TestDecodeEveryFixture decodes every recorded file and checks the envelope.
func TestDecodeEveryFixture(t *testing.T) {
	t.Parallel()
	want := map[string]struct {
		results       int
		limitExceeded bool
		errCode       int
	}{
		"python_api_iris_investigate_amazon_google.json":    {results: 2},
		"python_api_iris_enrich_google.json":                {results: 1},
		"python_api_iris_investigate_limit_exceeded.json":   {limitExceeded: true},
		"python_api_iris_investigate_int_chase_result.json": {results: 1},
		"python_api_error_403_bad_credentials.json":         {errCode: 403},
		"domaincat_treatment_care_results.json":             {results: 195},
		// the project's own (testdata/iris at the repository root)
		"irisflow_sim_investigate_whoissuggest_int_chase.json": {results: 2},
	}
	for _, f := range testenv.IrisFixtureFiles(t) {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp, err := iris.DecodeResponse(readFile(t, f))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			w, known := want[name]
			if !known {
				t.Logf("no expectations for new fixture %s; decoded %d results", name, len(resp.Results))
				return
			}
			if len(resp.Results) != w.results {
				t.Errorf("results = %d, want %d", len(resp.Results), w.results)
			}
			if resp.LimitExceeded != w.limitExceeded {
				t.Errorf("limit_exceeded = %v, want %v", resp.LimitExceeded, w.limitExceeded)
			}
			gotCode := 0
			if resp.Error != nil {
				gotCode = resp.Error.Code
			}
			if gotCode != w.errCode {
				t.Errorf("error code = %d, want %d", gotCode, w.errCode)
			}
			for i, r := range resp.Results {
				if r.Domain == "" {
					t.Errorf("result %d has no domain", i)
				}
				if !json.Valid(r.Raw) {
					t.Errorf("result %d: Raw is not valid JSON", i)
				}
			}
		})
	}
}

func TestIntChaseGolden(t *testing.T) {
	t.Parallel()
	resp := decodeFixture(t, "python_api_iris_investigate_int_chase_result.json")
	if resp.TotalCount != 1 || resp.ResultsCount != 1 || resp.HasMoreResults || resp.Message != "Enjoy your data." {
		t.Errorf("envelope = %+v", resp)
	}
	r := resp.Results[0]
	checkResult(t, &r, goldenIntChase)
	if !strings.Contains(string(r.Raw), `"int-chase.com"`) {
		t.Errorf("Raw does not hold the result: %.60s", r.Raw)
	}
}

// golden is a field-by-field expectation on one result.
type golden struct {
	domain, registrar, createDate, websiteTitle, serverType, firstSeen string
	risk                                                               int
	riskKnown                                                          bool
	alexa, popularity                                                  iris.NullInt
	websiteResponse                                                    int
	active                                                             bool
	tags                                                               []string
	ips                                                                []string
	asn                                                                int
	components                                                         map[string]iris.RiskComponent
	sslHash                                                            string
	altNames                                                           []string
	sslNotAfter, sslDuration                                           int
	ga4                                                                []string
	registrantOrg, adminEmail                                          string
	adminEmailCount                                                    int
	uncounted                                                          bool
}

var goldenIntChase = golden{
	domain: "int-chase.com", registrar: "NAMECHEAP INC", createDate: "2020-10-13",
	websiteTitle: "", serverType: "", firstSeen: "2020-10-13T00:00:00Z",
	risk: 71, riskKnown: true, websiteResponse: 403,
	tags: []string{"blocklist"}, ips: []string{"99.83.154.118"}, asn: 16509,
	components: map[string]iris.RiskComponent{
		iris.ComponentProximity:     {Name: "proximity", RiskScore: 38},
		iris.ComponentThreatProfile: {Name: "threat_profile", RiskScore: 71, Threats: []string{"spam"}, Evidence: []string{"registrant", "domain name", "name server"}},
		iris.ComponentMalware:       {Name: "threat_profile_malware", RiskScore: 25},
		iris.ComponentPhishing:      {Name: "threat_profile_phishing", RiskScore: 68},
		iris.ComponentSpam:          {Name: "threat_profile_spam", RiskScore: 71, Threats: []string{"spam"}},
	},
	sslHash:     "195152d01022a568719e7bc1d0b07c13f723934f",
	altNames:    []string{"webmail.int-chase.com", "cpanel.int-chase.com", "webdisk.int-chase.com", "int-chase.com", "mail.int-chase.com", "www.int-chase.com"},
	sslNotAfter: 20200114, sslDuration: 91,
	ga4:           []string{"sample-ga4"},
	registrantOrg: "Withheld for Privacy Purposes",
	adminEmail:    "reactivation-pending@mail.withheldforprivacy.com", adminEmailCount: 676164,
}

func checkResult(t *testing.T, r *iris.Result, g golden) {
	t.Helper()
	eq := func(field string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s = %#v, want %#v", g.domain, field, got, want)
		}
	}
	eq("domain", r.Domain, g.domain)
	eq("registrar", r.Registrar.Value, g.registrar)
	eq("create_date", r.CreateDate.Value, g.createDate)
	eq("website_title", r.WebsiteTitle.Value, g.websiteTitle)
	eq("server_type", r.ServerType.Value, g.serverType)
	eq("first_seen", r.FirstSeen.Value, g.firstSeen)
	score, ok := r.RiskScore()
	eq("risk score", score, g.risk)
	eq("risk known", ok, g.riskKnown)
	eq("alexa", r.Alexa, g.alexa)
	eq("popularity_rank", r.PopularityRank, g.popularity)
	eq("website_response", r.WebsiteResponse.Int, g.websiteResponse)
	eq("active", r.Active, g.active)
	eq("tags", r.TagLabels(), orEmpty(g.tags))
	eq("ips", r.IPAddresses(), orEmpty(g.ips))
	if len(r.IP) > 0 && len(r.IP[0].ASN) > 0 {
		eq("asn", r.IP[0].ASN[0].Value, g.asn)
	}
	for name, want := range g.components {
		got, ok := r.Component(name)
		if !ok {
			t.Errorf("%s: component %s missing", g.domain, name)
			continue
		}
		eq("component "+name, got, want)
	}
	if g.sslHash != "" {
		if len(r.SSLInfo) == 0 {
			t.Fatalf("%s: no ssl_info", g.domain)
		}
		s := r.SSLInfo[0]
		eq("ssl hash", s.Hash.Value, g.sslHash)
		eq("ssl alt_names", s.AltNames.Values(), orEmpty(g.altNames))
		eq("ssl not_after", s.NotAfter.Value, g.sslNotAfter)
		eq("ssl duration", s.Duration.Value, g.sslDuration)
	}
	eq("ga4", r.GA4.Values(), orEmpty(g.ga4))
	eq("registrant_org", r.RegistrantOrg.Value, g.registrantOrg)
	if g.adminEmail != "" {
		if len(r.AdminContact.Email) == 0 {
			t.Fatalf("%s: no admin email", g.domain)
		}
		eq("admin email", r.AdminContact.Email[0].Value, g.adminEmail)
		eq("admin email count", r.AdminContact.Email[0].Count, g.adminEmailCount)
		eq("admin email uncounted", r.AdminContact.Email[0].Uncounted, g.uncounted)
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestAmazonGoogleGolden(t *testing.T) {
	t.Parallel()
	resp := decodeFixture(t, "python_api_iris_investigate_amazon_google.json")
	if resp.TotalCount != 2 || len(resp.MissingDomains) != 0 {
		t.Errorf("envelope: total %d missing %v", resp.TotalCount, resp.MissingDomains)
	}
	amazon := resp.Results[0]
	if amazon.Domain != "amazon.com" || amazon.Alexa != iris.Known(8) || amazon.PopularityRank != iris.Known(27) {
		t.Errorf("amazon: domain %q alexa %+v popularity %+v", amazon.Domain, amazon.Alexa, amazon.PopularityRank)
	}
	if c, ok := amazon.Component(iris.ComponentZerolist); !ok || c.RiskScore != 0 {
		t.Errorf("amazon zerolist component = %+v, %v", c, ok)
	}
	if amazon.AdminContact.Fax.Value != "12062667010" || amazon.AdminContact.Fax.Count != 33243 {
		t.Errorf("amazon admin fax = %+v", amazon.AdminContact.Fax)
	}
}

func TestEnrichGoogleGolden(t *testing.T) {
	t.Parallel()
	resp := decodeFixture(t, "python_api_iris_enrich_google.json")
	r := resp.Results[0]
	checkResult(t, &r, golden{
		domain: "google.com", registrar: "MarkMonitor, Inc.", createDate: "1997-09-15",
		risk: 0, riskKnown: true, alexa: iris.Known(1), popularity: iris.Known(1), websiteResponse: 200, active: true,
		ips:           []string{"142.251.33.78", "142.251.33.68"},
		asn:           15169,
		sslHash:       "fcebe5bb73f9541e544eb1a784ada0b35060412b",
		registrantOrg: "Google LLC",
		adminEmail:    "select request email form at https://domains.markmonitor.com/whois/google.com",
		uncounted:     true,
	})
	if !r.Registrar.Uncounted || r.Registrar.Count != 0 {
		t.Errorf("enrich registrar should be uncounted: %+v", r.Registrar)
	}
	// Re-encoding an Enrich result keeps the Enrich shape (no count).
	out, err := json.Marshal(r.Registrar)
	if err != nil || string(out) != `{"value":"MarkMonitor, Inc."}` {
		t.Errorf("marshal enrich attr = %s, %v", out, err)
	}
}

func TestDomainCATGolden(t *testing.T) {
	t.Parallel()
	resp := decodeFixture(t, "domaincat_treatment_care_results.json")
	r := resp.Results[0]
	checkResult(t, &r, golden{
		domain: "247healthcare.life", createDate: "2020-11-01", risk: 22, riskKnown: true, active: true, websiteResponse: 500,
		registrar: r.Registrar.Value, // checked below to be non-empty
		ips:       []string{"104.21.12.103", "172.67.132.15"}, asn: 13335,
		components: map[string]iris.RiskComponent{
			iris.ComponentProximity: {Name: "proximity", RiskScore: 22},
			iris.ComponentSpam:      {Name: "threat_profile_spam", RiskScore: 1},
		},
		registrantOrg: "Private by Design, LLC",
	})
	if r.Registrar.Value == "" {
		t.Error("registrar empty")
	}
	if r.Alexa.Valid {
		t.Errorf(`alexa "" should be unknown, got %+v`, r.Alexa)
	}
	domains := map[string]bool{}
	for _, res := range resp.Results {
		if domains[res.Domain] {
			t.Errorf("duplicate domain %s", res.Domain)
		}
		domains[res.Domain] = true
		if len(res.SSLInfo) == 0 && len(res.DomainRisk.Components) == 0 {
			t.Errorf("%s: neither ssl_info nor risk components decoded", res.Domain)
		}
	}
}

func TestQuirks(t *testing.T) {
	t.Parallel()
	resp := decodeTestdata(t, "quirks.json")
	if resp.TotalCount != 2 || !slices.Equal(resp.MissingDomains, []string{"gone.example"}) {
		t.Errorf("envelope: total %d missing %v", resp.TotalCount, resp.MissingDomains)
	}
	r := resp.Results[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"alexa numeric string", r.Alexa, iris.Known(12)},
		{"popularity null", r.PopularityRank, iris.NullInt{}},
		{"website_title object", r.WebsiteTitle, iris.Attr{Value: "Quirky Title", Count: 3}},
		{"server_type empty string", r.ServerType, iris.Attr{}},
		{"create_date without count", r.CreateDate, iris.Attr{Value: "2024-02-29", Uncounted: true}},
		{"registrar bare string", r.Registrar.Value, "Bare String Registrar"},
		{"adsense null", r.Adsense, iris.Attr{}},
		{"numeric value and string count", r.GoogleAnalytics, iris.Attr{Value: "12345", Count: 7}},
		{"asn as string", r.IP[0].ASN[0], iris.IntAttr{Value: 64500, Count: 2}},
		{"isp empty string", r.IP[0].ISP, iris.Attr{}},
		{"country count null", r.IP[0].CountryCode, iris.Attr{Value: "zz"}},
		{"risk score string", r.DomainRisk.RiskScore, iris.Known(55)},
		{"component score string", r.DomainRisk.Components[0].RiskScore, 12},
		{"legacy blacklist null score", r.DomainRisk.Components[2], iris.RiskComponent{Name: "blacklist"}},
		{"not_after string", r.SSLInfo[0].NotAfter, iris.IntAttr{Value: 20251231, Count: 4}},
		{"duration empty", r.SSLInfo[0].Duration, iris.IntAttr{}},
		{"alt_names single object", r.SSLInfo[0].AltNames.Values(), []string{"www.quirky.example"}},
		{"tags", r.TagLabels(), []string{"watch", "phish"}},
		{"website_response empty", r.WebsiteResponse, iris.NullInt{}},
		{"unknown key kept in raw", strings.Contains(string(r.Raw), "brand_new_key"), true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
	idn := resp.Results[1]
	if _, ok := idn.RiskScore(); ok {
		t.Error("missing risk_score should be unknown")
	}
	if _, ok := idn.Component(iris.ComponentProximity); ok {
		t.Error("missing component reported present")
	}
	if idn.Domain != "bücher.example" {
		t.Errorf("idn domain = %q", idn.Domain)
	}
}

func TestDecodeShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		body          string
		domains       []string
		hasMore       bool
		position      string
		limitExceeded bool
		errCode       int
		wantErr       bool
	}{
		{name: "wrapped", body: `{"response":{"results":[{"domain":"a.example"}],"missing_domains":["b.example"]}}`, domains: []string{"a.example"}},
		{name: "unwrapped", body: string(readFile(t, "testdata/paged_inner.json")), domains: []string{"page-one.example"}, hasMore: true, position: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
		{name: "bare result", body: string(readFile(t, "testdata/bare_result.json")), domains: []string{"bare.example"}},
		{name: "array", body: `[{"domain":"a.example"},{"domain":"b.example"}]`, domains: []string{"a.example", "b.example"}},
		{name: "empty array", body: `[]`, domains: []string{}},
		{name: "error envelope", body: `{"error":{"code":"503","message":"busy"},"resources":{"support":"https://docs.domaintools.com"}}`, domains: []string{}, errCode: 503},
		{name: "limit exceeded with embedded error", body: string(readFile(t, "testdata/limit_exceeded_2024.json")), domains: []string{}, hasMore: true, limitExceeded: true, errCode: 413},
		{name: "string error", body: `{"error":"nope"}`, domains: []string{}},
		{name: "null response", body: `{"response":null,"results":[]}`, domains: []string{}},
		{name: "not json", body: `<html>502</html>`, wantErr: true},
		{name: "scalar", body: `42`, wantErr: true},
		{name: "response not object", body: `{"response":[1]}`, wantErr: true},
		{name: "nested envelope", body: `{"response":{"response":{}}}`, wantErr: true},
		{name: "results not list", body: `{"response":{"results":{"domain":"x"}}}`, wantErr: true},
		{name: "truncated", body: `{"response":{"results":[{"domain":"a.exa`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := iris.DecodeResponse([]byte(tt.body))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", resp)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := []string{}
			for _, r := range resp.Results {
				got = append(got, r.Domain)
			}
			if !slices.Equal(got, tt.domains) {
				t.Errorf("domains = %v, want %v", got, tt.domains)
			}
			if resp.HasMoreResults != tt.hasMore || resp.Position != tt.position || resp.LimitExceeded != tt.limitExceeded {
				t.Errorf("has_more %v position %q limit %v", resp.HasMoreResults, resp.Position, resp.LimitExceeded)
			}
			code := 0
			if resp.Error != nil {
				code = resp.Error.Code
			}
			if code != tt.errCode {
				t.Errorf("error code = %d, want %d", code, tt.errCode)
			}
		})
	}
}

func TestErrorEnvelopeSupport(t *testing.T) {
	t.Parallel()
	resp := decodeFixture(t, "python_api_error_403_bad_credentials.json")
	want := iris.APIError{Code: 403, Message: "The credentials you entered do not match an active account.", Support: "https://docs.domaintools.com"}
	if resp.Error == nil || *resp.Error != want {
		t.Errorf("error = %+v, want %+v", resp.Error, want)
	}
}
