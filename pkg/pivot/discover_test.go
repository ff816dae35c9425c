package pivot_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func fixtureResults(t testing.TB, name string) []iris.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.IrisFixtures(t), name))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := iris.DecodeResponse(data)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return resp.Results
}

func find(ps []pivot.Pivot, typ, value string) (pivot.Pivot, bool) {
	for _, p := range ps {
		if p.Type == typ && p.Value == value {
			return p, true
		}
	}
	return pivot.Pivot{}, false
}

// checkInvariants asserts what holds for every Discover answer.
func checkInvariants(t *testing.T, ps []pivot.Pivot, threshold int) {
	t.Helper()
	seen := map[[2]string]bool{}
	for i, p := range ps {
		if p.Count <= 1 || p.Count >= threshold {
			t.Errorf("pivot %+v: count outside 1 < count < %d", p, threshold)
		}
		if _, ok := pivot.Param(p.Type); !ok {
			t.Errorf("pivot %+v: type is not a known Iris parameter", p)
		}
		if p.Value == "" || p.Field == "" {
			t.Errorf("pivot %+v: empty value or field", p)
		}
		k := [2]string{p.Type, p.Value}
		if seen[k] {
			t.Errorf("pivot %+v: duplicate (type, value)", p)
		}
		seen[k] = true
		if i > 0 {
			q := ps[i-1]
			if q.Count > p.Count || (q.Count == p.Count && q.Type > p.Type) {
				t.Errorf("not sorted by count then type: %+v before %+v", q, p)
			}
		}
	}
}

func TestDiscoverFixtures(t *testing.T) {
	t.Parallel()
	type want struct {
		typ, value, field string
		count             int
	}
	tests := []struct {
		name      string
		file      string
		domain    string
		threshold int
		want      []want   // exactly these pivots, in order
		absent    []string // values that must not appear
	}{
		{
			name: "amazon at 300", file: "python_api_iris_investigate_amazon_google.json", domain: "amazon.com", threshold: 300,
			want: []want{
				{"ip", "99.84.76.105", "ip[3].address", 5},
				{"ssl_hash", "08040755c8b6852a5db945a2b380571111defd2d", "ssl_info[0].hash", 6},
				{"ssl_subject", "CN=*.peg.a2z.com", "ssl_info[0].subject", 6},
				{"mailserver_ip", "207.171.188.204", "mx[0].ip[0]", 10},
				{"mailserver_host", "amazon-smtp.amazon.com", "mx[0].host", 184},
				{"mailserver_domain", "amazon.com", "mx[0].domain", 289},
			},
			// 176.32.103.205 (325) is over; isp "Prod Iad" (422) and
			// create_date (192) have no search parameter.
			absent: []string{"176.32.103.205", "Prod Iad", "1994-11-01"},
		},
		{
			name: "amazon at 500", file: "python_api_iris_investigate_amazon_google.json", domain: "amazon.com", threshold: 500,
			want: []want{
				{"ip", "99.84.76.105", "ip[3].address", 5},
				{"ssl_hash", "08040755c8b6852a5db945a2b380571111defd2d", "ssl_info[0].hash", 6},
				{"ssl_subject", "CN=*.peg.a2z.com", "ssl_info[0].subject", 6},
				{"mailserver_ip", "207.171.188.204", "mx[0].ip[0]", 10},
				{"mailserver_host", "amazon-smtp.amazon.com", "mx[0].host", 184},
				{"mailserver_domain", "amazon.com", "mx[0].domain", 289},
				{"ip", "176.32.103.205", "ip[1].address", 325},
				{"ip", "54.239.28.85", "ip[0].address", 437},
			},
		},
		{
			name: "google at 300", file: "python_api_iris_investigate_amazon_google.json", domain: "google.com", threshold: 300,
			want: []want{
				{"ssl_subject", "CN=www.google.com", "ssl_info[0].subject", 4},
				{"ip", "142.251.33.68", "ip[1].address", 258},
			},
		},
		{
			// Every count of int-chase is 1 or in the millions, except
			// redirect (333, no parameter) and redirect_domain (453).
			name: "int-chase at 300", file: "python_api_iris_investigate_int_chase_result.json", domain: "int-chase.com", threshold: 300,
			want:   []want{},
			absent: []string{"195152d01022a568719e7bc1d0b07c13f723934f", "www.chase.com", "chase.com"},
		},
		{
			name: "int-chase at 500", file: "python_api_iris_investigate_int_chase_result.json", domain: "int-chase.com", threshold: 500,
			want:   []want{{"redirect_domain", "chase.com", "redirect_domain", 453}},
			absent: []string{"www.chase.com"},
		},
		{
			name: "int-chase at 454 (strict bound)", file: "python_api_iris_investigate_int_chase_result.json", domain: "int-chase.com", threshold: 454,
			want: []want{{"redirect_domain", "chase.com", "redirect_domain", 453}},
		},
		{
			name: "int-chase at 453 (strict bound)", file: "python_api_iris_investigate_int_chase_result.json", domain: "int-chase.com", threshold: 453,
			want: []want{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var r *iris.Result
			for _, res := range fixtureResults(t, tc.file) {
				if res.Domain == tc.domain {
					r = &res
					break
				}
			}
			if r == nil {
				t.Fatalf("%s not in %s", tc.domain, tc.file)
			}
			got := pivot.Discover(r, tc.threshold)
			checkInvariants(t, got, tc.threshold)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d pivots %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Type != w.typ || g.Value != w.value || g.Count != w.count || g.Field != w.field {
					t.Errorf("pivot %d = %+v, want %+v", i, g, w)
				}
			}
			for _, v := range tc.absent {
				for _, g := range got {
					if g.Value == v {
						t.Errorf("value %q should be left out, got %+v", v, g)
					}
				}
			}
		})
	}
}

// TestDiscoverDomainCAT runs Discover over 195 recorded results and checks
// the invariants on each.
func TestDiscoverDomainCAT(t *testing.T) {
	t.Parallel()
	results := fixtureResults(t, "domaincat_treatment_care_results.json")
	if len(results) < 100 {
		t.Fatalf("only %d results decoded", len(results))
	}
	// The recording has no count between 2 and 299 (its values are
	// either unique or shared by thousands), so the walk is checked with a
	// huge threshold too.
	for _, threshold := range []int{300, 1 << 30} {
		total := 0
		for _, r := range results {
			ps := pivot.Discover(&r, threshold)
			checkInvariants(t, ps, threshold)
			total += len(ps)
		}
		if threshold > 300 && total < len(results) {
			t.Errorf("threshold %d: only %d pivots in %d results: the walk misses fields", threshold, total, len(results))
		}
	}
}

func attr(v string, n int) iris.Attr { return iris.Attr{Value: v, Count: n} }

func TestDiscoverTypesAndDedup(t *testing.T) {
	t.Parallel()
	r := &iris.Result{
		Domain: "example.test",
		// The same address in a WHOIS contact (email), the SOA
		// (email_dns_soa) and a certificate (ssl_email): three pivots.
		RegistrantContact: iris.Contact{Email: iris.Attrs{attr("ops@evil.test", 12)}, Name: attr("Ann Evil", 4), Phone: attr("+1555", 3), Street: attr("1 Main", 2)},
		AdminContact:      iris.Contact{Email: iris.Attrs{attr("OPS@evil.test", 14)}}, // same pivot, larger count kept
		TechnicalContact:  iris.Contact{Email: iris.Attrs{attr("ops@evil.test", 13)}, Org: attr("Evil Org", 5), Fax: attr("+1556", 5)},
		SOAEmail:          iris.Attrs{attr("ops@evil.test", 7)},
		SSLInfo: []iris.SSLInfo{{
			Hash: attr("abc", 9), Subject: attr("CN=evil.test", 9), Organization: attr("Evil", 8),
			Email: iris.Attrs{attr("ops@evil.test", 6)}, CommonName: attr("evil.test", 9),
			AltNames:         iris.Attrs{attr("www.evil.test", 0)},
			IssuerCommonName: attr("Let's Encrypt", 50), NotAfter: iris.IntAttr{Value: 20240101, Count: 40},
			Duration: iris.IntAttr{Value: 90, Count: 200},
		}},
		SSLEmail:             iris.Attrs{attr("ops@evil.test", 6)},
		AdditionalWhoisEmail: iris.Attrs{attr("abuse@reg.test", 299)},
		EmailDomain:          iris.Attrs{attr("evil.test", 20)},
		IP:                   []iris.IP{{Address: attr("192.0.2.1", 3), ISP: attr("Evil ISP", 3), CountryCode: attr("zz", 3), ASN: iris.IntAttrs{{Value: 64500, Count: 3}}}},
		NameServer: []iris.NameServer{
			{Host: attr("ns1.evil.test", 11), Domain: attr("evil.test", 11), IP: iris.Attrs{attr("192.0.2.53", 11)}},
			{Host: attr("ns2.evil.test", 11), Domain: attr("evil.test", 11), IP: iris.Attrs{attr("192.0.2.54", 1)}},
		},
		MX:              []iris.MX{{Host: attr("mx.evil.test", 15), Domain: attr("evil.test", 15), IP: iris.Attrs{attr("192.0.2.25", 15)}}},
		Redirect:        attr("www.evil.test", 2),
		RedirectDomain:  attr("evil.test", 2),
		RegistrantName:  attr("Ann Evil", 4),
		RegistrantOrg:   attr("Evil Org", 5),
		Registrar:       attr("Cheap Reg", 300), // at the threshold: left out
		GoogleAnalytics: attr("UA-1", 2),
		Adsense:         attr("pub-1", 1), // only this domain: left out
		GA4:             iris.Attrs{attr("G-1", 2)},
		GTMCodes:        iris.Attrs{attr("GTM-1", 2)},
		WebsiteTitle:    attr("Evil", 3),
		ServerType:      attr("nginx", 100000),
		CreateDate:      attr("2024-01-01", 5),
		FirstSeen:       attr("2024-01-01T00:00:00Z", 5),
	}
	got := pivot.Discover(r, 300)
	checkInvariants(t, got, 300)
	want := map[[2]string]int{
		{"email", "ops@evil.test"}:           14,
		{"email_dns_soa", "ops@evil.test"}:   7,
		{"ssl_email", "ops@evil.test"}:       6,
		{"contact_name", "Ann Evil"}:         4,
		{"registrant", "Ann Evil"}:           4,
		{"contact_phone", "+1555"}:           3,
		{"contact_street", "1 Main"}:         2,
		{"ssl_hash", "abc"}:                  9,
		{"ssl_subject", "CN=evil.test"}:      9,
		{"ssl_org", "Evil"}:                  8,
		{"ssl_common_name", "evil.test"}:     9,
		{"ssl_duration", "90"}:               200,
		{"email", "abuse@reg.test"}:          299,
		{"email_domain", "evil.test"}:        20,
		{"ip", "192.0.2.1"}:                  3,
		{"nameserver_host", "ns1.evil.test"}: 11,
		{"nameserver_host", "ns2.evil.test"}: 11,
		{"nameserver_domain", "evil.test"}:   11,
		{"nameserver_ip", "192.0.2.53"}:      11,
		{"mailserver_host", "mx.evil.test"}:  15,
		{"mailserver_domain", "evil.test"}:   15,
		{"mailserver_ip", "192.0.2.25"}:      15,
		{"redirect_domain", "evil.test"}:     2,
		{"registrant_org", "Evil Org"}:       5,
		{"google_analytics", "UA-1"}:         2,
		{"google_analytics_4", "G-1"}:        2,
		{"google_tag_manager", "GTM-1"}:      2,
		{"website_title", "Evil"}:            3,
	}
	gotM := map[[2]string]int{}
	for _, p := range got {
		gotM[[2]string{p.Type, p.Value}] = p.Count
	}
	for k, n := range want {
		if c, ok := gotM[k]; !ok {
			t.Errorf("missing pivot %v", k)
		} else if c != n {
			t.Errorf("pivot %v count %d, want %d", k, c, n)
		}
	}
	for k := range gotM {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected pivot %v", k)
		}
	}
	if p, _ := find(got, "email", "ops@evil.test"); p.Field != "registrant_contact.email[0]" || p.Value != "ops@evil.test" {
		t.Errorf("email pivot keeps the first field and spelling, got %+v", p)
	}
}

func TestDiscoverEdges(t *testing.T) {
	t.Parallel()
	if got := pivot.Discover(nil, 300); got != nil {
		t.Errorf("nil result: %v", got)
	}
	r := &iris.Result{IP: []iris.IP{{Address: attr("192.0.2.1", 299)}, {Address: attr("192.0.2.2", 300)}}}
	if got := pivot.Discover(r, 0); len(got) != 1 || got[0].Value != "192.0.2.1" {
		t.Errorf("threshold 0 means %d: got %+v", pivot.DefaultThreshold, got)
	}
	// Enrich results have no counts: nothing is actionable.
	r = &iris.Result{IP: []iris.IP{{Address: iris.Attr{Value: "192.0.2.1", Uncounted: true}}}}
	if got := pivot.Discover(r, 300); len(got) != 0 {
		t.Errorf("uncounted values: %+v", got)
	}
}

func BenchmarkDiscover(b *testing.B) {
	results := fixtureResults(b, "domaincat_treatment_care_results.json")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = pivot.Discover(&results[i%len(results)], 300)
	}
}
