package irissim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// fieldParams maps the counted fields of a result (as a path of keys,
// "[]" for array elements) to the pivot parameter whose search they count.
// Written independently of pivots.go so the test checks it.
var fieldParams = map[string]string{
	"adsense": pAdsense, "google_analytics": pGA, "ga4[]": pGA4, "gtm_codes[]": pGTM, "fb_codes[]": pFacebook,
	"hotjar_codes[]": pHotjar, "baidu_codes[]": pBaidu, "yandex_codes[]": pYandex, "matomo_codes[]": pMatomo,
	"statcounter_project_codes[]": pStatcounterProject, "statcounter_security_codes[]": pStatcounterSec,
	"create_date": pCreateDate, "expiration_date": pExpirationDate, "email_domain[]": pEmailDomain,
	"soa_email[]": pEmailSOA, "ssl_email[]": pSSLEmail, "additional_whois_email[]": pEmail,
	"ip[].address": pIP, "ip[].asn[]": pASN, "ip[].country_code": pIPCountry, "ip[].isp": pISP,
	"mx[].host": pMXHost, "mx[].domain": pMXDomain, "mx[].ip[]": pMXIP,
	"name_server[].host": pNSHost, "name_server[].domain": pNSDomain, "name_server[].ip[]": pNSIP,
	"redirect": pRedirect, "redirect_domain": pRedirectDomain, "registrant_name": pRegistrant,
	"registrant_org": pRegistrantOrg, "registrar": pRegistrar,
	"ssl_info[].hash": pSSLHash, "ssl_info[].subject": pSSLSubject, "ssl_info[].organization": pSSLOrg,
	"ssl_info[].email[]": pSSLEmail, "ssl_info[].common_name": pSSLCommonName,
	"ssl_info[].issuer_common_name": pSSLIssuer, "ssl_info[].not_after": pSSLNotAfter,
	"ssl_info[].not_before": pSSLNotBefore, "ssl_info[].duration": pSSLDuration,
	"website_title": pWebsiteTitle, "server_type": pServerType,
	// alt_names and first_seen are always 0, as in every recording.
	"ssl_info[].alt_names[]": "", "first_seen": "",
}

func init() {
	for _, c := range []string{"admin_contact", "billing_contact", "registrant_contact", "technical_contact"} {
		for f, p := range map[string]string{"name": pContactName, "org": pContactOrg, "street": pContactStreet,
			"city": pContactCity, "state": pContactState, "postal": pContactPostal, "country": pContactCountry,
			"phone": pContactPhone, "fax": pContactFax, "email[]": pEmail} {
			fieldParams[c+"."+f] = p
		}
	}
}

type counted struct {
	path, value string
	count       int
}

// countedValues walks a result and returns every {value, count}.
func countedValues(t *testing.T, v any, path string, out *[]counted) {
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x["count"]; ok {
			n, err := c.(json.Number).Int64()
			if err != nil {
				t.Fatalf("%s: count %v", path, c)
			}
			*out = append(*out, counted{path, fmt.Sprint(x["value"]), int(n)})
			return
		}
		for k, c := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			countedValues(t, c, p, out)
		}
	case []any:
		for _, c := range x {
			countedValues(t, c, path+"[]", out)
		}
	}
}

// TestCountsMatchSearches is the consistency property: every count in
// every result equals the number of domains Matching (and a search) gives
// for that value, and the domain itself is among them.
func TestCountsMatchSearches(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.Universe, c.Seed = 2000, 42 })
	s := e.s
	searched := map[pair]bool{}
	checked := 0
	for _, d := range s.Domains() {
		raw, ok := s.Domain(d)
		if !ok {
			t.Fatalf("Domain(%s) missing", d)
		}
		var res map[string]any
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(&res); err != nil {
			t.Fatalf("%s: invalid JSON: %v", d, err)
		}
		var cs []counted
		countedValues(t, res, "", &cs)
		for _, c := range cs {
			param, known := fieldParams[c.path]
			if !known {
				t.Fatalf("%s: counted field %s has no pivot", d, c.path)
			}
			if param == "" || c.value == "" {
				if c.count != 0 {
					t.Fatalf("%s: %s=%q count %d, want 0", d, c.path, c.value, c.count)
				}
				continue
			}
			m := s.Matching(param, c.value)
			if c.count != len(m) || !slices.Contains(m, d) {
				t.Fatalf("%s: %s=%q count %d, Matching(%s) has %d (contains self: %v)", d, c.path, c.value, c.count, param, len(m), slices.Contains(m, d))
			}
			checked++
			k := pair{param, norm(c.value)}
			if baseParams[param] && !searched[k] {
				searched[k] = true
				q, err := s.parseSearch(url.Values{param: {c.value}}, testNow)
				if err != nil {
					t.Fatalf("search %s=%q: %v", param, c.value, err)
				}
				if got := s.ix.names(s.run(q)); !slices.Equal(got, m) {
					t.Fatalf("search %s=%q: %d domains, Matching %d", param, c.value, len(got), len(m))
				}
			}
		}
	}
	t.Logf("%d counts checked, %d distinct searches", checked, len(searched))
	// And over HTTP, for the shared values of every cluster.
	for _, c := range s.Clusters() {
		if len(c.Shared) == 0 {
			t.Fatalf("cluster %d has no shared value", c.ID)
		}
		for p, v := range c.Shared {
			if !slices.Equal(s.Matching(p, v), c.Domains) {
				t.Fatalf("cluster %d: Matching(%s=%s) differs from its domains", c.ID, p, v)
			}
		}
	}
	for _, c := range s.Clusters()[:6] {
		for p, v := range c.Shared {
			got, _ := collect(t, e, url.Values{p: {v}}, 500)
			sort.Strings(got)
			if !slices.Equal(got, c.Domains) {
				t.Fatalf("HTTP search %s=%s: %d domains, want %d", p, v, len(got), len(c.Domains))
			}
		}
	}
}

func TestUniverseShape(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.Universe, c.Seed = 3000, 3 })
	s := e.s
	if n := len(s.Domains()); n != 3000+155+12+2 {
		t.Fatalf("%d domains", n)
	}
	var sizes []int
	tagged, high, zero := 0, 0, 0
	for _, c := range s.Clusters() {
		sizes = append(sizes, len(c.Domains))
	}
	slices.Sort(sizes)
	if sizes[0] < 2 || sizes[len(sizes)-1] < 400 {
		t.Fatalf("cluster sizes %v", sizes)
	}
	for _, d := range s.Domains() {
		r := s.ix.recs[s.ix.byName[d]]
		if len(r.Tags) > 0 {
			tagged++
		}
		if r.Risk.Score >= 90 {
			high++
		}
		if r.Risk.Score < 20 {
			zero++
		}
	}
	n := len(s.Domains())
	if tagged == 0 || tagged > n/3 || high == 0 || high > n/4 || zero < n/3 {
		t.Fatalf("tagged %d, risk≥90 %d, risk<20 %d of %d", tagged, high, zero, n)
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	build := func(seed int64) *Server {
		e := setup(t, func(c *Config) { c.Universe, c.Seed = 1500, seed })
		return e.s
	}
	a, b, c := build(5), build(5), build(6)
	if !slices.Equal(a.Domains(), b.Domains()) || slices.Equal(a.Domains(), c.Domains()) {
		t.Fatal("domain lists: same seed differs or other seed equal")
	}
	for _, d := range a.Domains() {
		x, _ := a.Domain(d)
		y, _ := b.Domain(d)
		if string(x) != string(y) {
			t.Fatalf("%s differs between two builds of one seed", d)
		}
	}
	ja, _ := json.Marshal(a.Clusters())
	jb, _ := json.Marshal(b.Clusters())
	if string(ja) != string(jb) {
		t.Fatal("clusters differ")
	}
	// Built-in domains do not depend on the seed.
	x, _ := a.Domain("equifaxbreachsettlement.com")
	y, _ := c.Domain("equifaxbreachsettlement.com")
	var rx, ry map[string]any
	_ = json.Unmarshal(x, &rx)
	_ = json.Unmarshal(y, &ry)
	if fmt.Sprint(rx["domain_risk"]) != fmt.Sprint(ry["domain_risk"]) {
		t.Fatal("seed domain risk depends on the seed")
	}
}

func TestSeedDomains(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	s := e.s
	get := func(d string) map[string]any {
		raw, ok := s.Domain(d)
		if !ok {
			t.Fatalf("%s missing", d)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	risk := func(m map[string]any) (int, map[string]int) {
		dr := m["domain_risk"].(map[string]any)
		comps := map[string]int{}
		for _, c := range dr["components"].([]any) {
			cm := c.(map[string]any)
			comps[cm["name"].(string)] = int(cm["risk_score"].(float64))
		}
		return int(dr["risk_score"].(float64)), comps
	}
	for _, d := range SeedDomains {
		get(d)
	}
	eq := get("equifaxbreachsettlement.com")
	score, comps := risk(eq)
	if score != 55 || comps["proximity"] != 9 || comps["threat_profile"] != 55 || eq["alexa"].(float64) != 15021 {
		t.Fatalf("equifax risk %d %v alexa %v", score, comps, eq["alexa"])
	}
	if eq["registrant_name"].(map[string]any)["value"] != "Registration Private" || eq["registrant_org"].(map[string]any)["value"] != "Domains By Proxy, LLC" {
		t.Fatalf("equifax registrant %v", eq["registrant_org"])
	}
	if score, _ := risk(get("int-suntrust.com")); score != 100 {
		t.Fatalf("int-suntrust risk %d", score)
	}
	for _, d := range []string{"int-chase.com", "icloud.com-asia.info"} {
		m := get(d)
		if score, _ := risk(m); score < 90 || len(m["tags"].([]any)) == 0 {
			t.Fatalf("%s: risk %d tags %v", d, score, m["tags"])
		}
	}
	if score, _ := risk(get("thegreatwatermelonheist.blog")); score > 20 {
		t.Fatalf("watermelon risk %d", score)
	}
	// The guide's auto-pivot counts for whoissuggest.com.
	for _, c := range []struct {
		p, v string
		n    int
	}{
		{"nameserver_host", "ns1.domaintools.net", 155}, {"nameserver_domain", "domaintools.net", 155},
		{"nameserver_ip", "216.145.16.138", 155}, {"asn", "17318", 111}, {"email", "ns1@domaintools.net", 23},
		{"registrant_org", "Domaintools LLC", 9}, {"ssl_org", "DomainTools", 7}, {"ip", "199.30.228.112", 4},
		{"ssl_hash", "f17d5cd44c5e55827e7c4efd8896845e62e35b02", 3},
	} {
		if got := len(s.Matching(c.p, c.v)); got != c.n {
			t.Errorf("%s=%s: %d domains, want %d", c.p, c.v, got, c.n)
		}
	}
	if got := s.Matching("ssl_hash", "f17d5cd44c5e55827e7c4efd8896845e62e35b02"); !slices.Equal(got, []string{"domaintools.com", "whoisapi.com", "whoissuggest.com"}) {
		t.Errorf("ssl hash pivot %v", got)
	}
}

// keyShape lists the key paths of a JSON value (array elements merged).
func keyShape(v any, path string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := path + "." + k
			out[p] = true
			keyShape(c, p, out)
		}
	case []any:
		for _, c := range x {
			keyShape(c, path+"[]", out)
		}
	}
}

func TestResultShapeMatchesRecording(t *testing.T) {
	t.Parallel()
	dir := testenv.IrisFixtures(t)
	b, err := os.ReadFile(filepath.Join(dir, "python_api_iris_investigate_int_chase_result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	keyShape(rec.Results[0], "", want)
	e := setup(t, nil)
	raw, _ := e.s.Domain("int-chase.com")
	var ours map[string]any
	if err := json.Unmarshal(raw, &ours); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	keyShape(ours, "", got)
	for k := range want {
		if !got[k] {
			t.Errorf("recorded key %s missing from the simulator's result", k)
		}
	}
	for k := range got {
		if !want[k] && !strings.HasPrefix(k, ".mx[]") && !strings.Contains(k, ".email[]") && !strings.HasPrefix(k, ".ssl_email[]") && !strings.HasPrefix(k, ".website_title.") && !strings.HasPrefix(k, ".server_type.") && !strings.HasPrefix(k, ".billing_contact") {
			t.Errorf("key %s is not in the recording", k)
		}
	}
}

func TestLoadFixturesShapes(t *testing.T) {
	t.Parallel()
	fx, err := LoadFixtures("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range fx {
		names = append(names, k)
	}
	slices.Sort(names)
	want := []string{"array-one.example", "array-two.example", "inner.example", "single.example", "wrapped.example"}
	if !slices.Equal(names, want) {
		t.Fatalf("loaded %v, want %v", names, want)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFixtures(bad); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Fatalf("bad file: err = %v", err)
	}
	for name, dir := range map[string]string{
		"missing dir":   filepath.Join(bad, "nope"),
		"a file":        filepath.Join(bad, "x.json"),
		"no json files": t.TempDir(),
	} {
		if _, err := LoadFixtures(dir); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := New(Config{FixturesDir: dir}); err == nil {
			t.Errorf("%s: New accepted FixturesDir %s", name, dir)
		}
	}
}

func TestRecordedFixturesServed(t *testing.T) {
	t.Parallel()
	dir := testenv.IrisFixtures(t)
	e := setup(t, func(c *Config) { c.FixturesDir = dir })
	r := e.post(t, PathInvestigate, url.Values{"domain": {"amazon.com,google.com,247healthcare.life,int-chase.com"}})
	resp := r.response(t)
	if resp["results_count"].(float64) != 4 {
		t.Fatalf("results %v missing %v", resp["results_count"], resp["missing_domains"])
	}
	amazon := resp["results"].([]any)[0].(map[string]any)
	if amazon["alexa"].(float64) != 8 { // recorded value, untouched
		t.Fatalf("amazon alexa %v", amazon["alexa"])
	}
	chase := resp["results"].([]any)[3].(map[string]any)
	if chase["create_date"].(map[string]any)["value"] != "2019-03-13" {
		t.Fatal("int-chase.com should be the synthetic (consistent) profile, not the recording")
	}
	en := e.post(t, PathEnrich, url.Values{"domain": {"google.com"}})
	if en.status != 200 || strings.Contains(string(en.body), `"count"`) {
		t.Fatalf("enrich of a recording: %d %s", en.status, truncate(en.body))
	}
	fx, err := LoadFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fx) < 195+3 {
		t.Fatalf("%d recorded domains", len(fx))
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.Universe, c.Seed = 2000, 9 })
	s := e.s
	base := s.Matching("registrar", "GoDaddy.com, LLC")
	recOf := func(d string) *record { return s.ix.recs[s.ix.byName[d]] }
	cut := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    url.Values
		keep func(r *record) bool
	}{
		{"tld", url.Values{"tld": {"com"}}, func(r *record) bool { return r.TLD == "com" }},
		{"active", url.Values{"active": {"false"}}, func(r *record) bool { return !r.Active }},
		{"create_date >=", url.Values{"create_date": {">=2024-01-01"}}, func(r *record) bool { return !r.Created.Before(cut) }},
		{"create_date <", url.Values{"create_date": {"<2024-01-01"}}, func(r *record) bool { return r.Created.Before(cut) }},
		{"create_date_within", url.Values{"create_date_within": {"90"}}, func(r *record) bool { return !r.Created.Before(testNow.Truncate(24*time.Hour).AddDate(0, 0, -90)) }},
		{"first_seen_since", url.Values{"first_seen_since": {"2024-01-01T00:00:00Z"}}, func(r *record) bool { return !r.FirstSeen.Before(cut) }},
		{"data_updated_after", url.Values{"data_updated_after": {"2025-05-20"}}, func(r *record) bool { return !r.Updated.Before(time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC)) }},
		{"not_tagged_with_any", url.Values{"not_tagged_with_any": {"watchlist,phishing"}}, func(r *record) bool { return !hasAny(r, []string{"watchlist", "phishing"}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var want []string
			for _, d := range base {
				if tc.keep(recOf(d)) {
					want = append(want, d)
				}
			}
			if len(want) == 0 || len(want) == len(base) {
				t.Fatalf("filter keeps %d of %d: not a useful case", len(want), len(base))
			}
			tc.q.Set("registrar", "GoDaddy.com, LLC")
			got, _ := collect(t, e, tc.q, 500)
			if !slices.Equal(got, want) {
				t.Fatalf("%d domains, want %d", len(got), len(want))
			}
		})
	}
}
