package iris_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func ptr[T any](v T) *T { return &v }

// fullResult has every field set, with non-nil slices, so that a round trip
// can be compared with reflect.DeepEqual.
func fullResult() iris.Result {
	a := func(v string, n int) iris.Attr { return iris.Attr{Value: v, Count: n} }
	as := func(v string, n int) iris.Attrs { return iris.Attrs{a(v, n)} }
	contact := iris.Contact{
		Name: a("Jane", 2), Org: a("Org <&>", 3), Street: a("1 Road", 1), City: a("Town", 4), State: a("ST", 5),
		Postal: a("12345", 6), Country: a("zz", 7), Phone: a("+1", 8), Fax: a("", 0), Email: as("jane@full.example", 9),
	}
	return iris.Result{
		Domain: "full.example", WhoisURL: "https://whois.domaintools.com/full.example",
		Adsense: a("pub-1", 2), GoogleAnalytics: a("UA-1", 3),
		GA4: as("G-1", 1), GTMCodes: as("GTM-1", 1), FBCodes: as("fb1", 1), HotjarCodes: as("hj1", 1),
		BaiduCodes: as("bd1", 1), YandexCodes: as("ya1", 1), MatomoCodes: as("mt1", 1),
		StatcounterProjectCodes: as("sp1", 1), StatcounterSecurityCodes: as("ss1", 1),
		Alexa: iris.Known(10), PopularityRank: iris.NullInt{}, Active: true,
		AdminContact: contact, BillingContact: contact, RegistrantContact: contact, TechnicalContact: contact,
		CreateDate: a("2024-01-02", 5), ExpirationDate: a("2025-01-02", 6),
		EmailDomain: as("full.example", 1), SOAEmail: as("soa@full.example", 1), SSLEmail: as("ssl@full.example", 1),
		AdditionalWhoisEmail: as("abuse@full.example", 1),
		IP:                   []iris.IP{{Address: a("192.0.2.7", 1), ASN: iris.IntAttrs{{Value: 64500, Count: 2}}, CountryCode: a("zz", 3), ISP: a("ISP", 4)}},
		MX:                   []iris.MX{{Host: a("mx.full.example", 1), Domain: a("full.example", 1), IP: as("192.0.2.8", 1), Priority: 10}},
		NameServer:           []iris.NameServer{{Host: a("ns.full.example", 1), Domain: a("full.example", 1), IP: as("192.0.2.9", 1)}},
		DomainRisk: iris.DomainRisk{RiskScore: iris.Known(0), Components: []iris.RiskComponent{
			{Name: iris.ComponentThreatProfile, RiskScore: 90, Threats: []string{"phishing"}, Evidence: []string{"domain name"}},
			{Name: iris.ComponentZerolist, RiskScore: 0},
		}},
		Redirect: a("www.other.example", 1), RedirectDomain: a("other.example", 2),
		RegistrantName: a("Jane", 2), RegistrantOrg: a("Org", 3), Registrar: a("Registrar", 4),
		RegistrarStatus: []string{"clienttransferprohibited"}, SPFInfo: "v=spf1 -all",
		SSLInfo: []iris.SSLInfo{{
			Hash: a("0123456789abcdef0123456789abcdef01234567", 1), Subject: a("CN=full.example", 1), Organization: a("", 0),
			Email: as("tls@full.example", 1), AltNames: iris.Attrs{{Value: "www.full.example"}}, CommonName: a("full.example", 1),
			IssuerCommonName: a("CA", 100), NotBefore: iris.IntAttr{Value: 20240101, Count: 3}, NotAfter: iris.IntAttr{Value: 20250101, Count: 4},
			Duration: iris.IntAttr{Value: 366, Count: 5}, Sources: iris.SSLSources{Active: ptr(int64(1650844800000)), Passive: ptr(int64(1))},
		}},
		TLD: "example", WebsiteResponse: iris.Known(200), DataUpdatedTimestamp: "2024-05-06T07:08:09.123456",
		WebsiteTitle: iris.Attr{}, ServerType: a("nginx", 1000), FirstSeen: a("2024-01-02T00:00:00Z", 0),
		Tags:             []iris.Tag{{Label: "watch", Scope: "group", TaggedAt: "2024-03-01T00:00:00Z"}},
		ParsedWhois:      json.RawMessage(`{"registrant":{"name":{"value":"Jane","count":2}}}`),
		ParsedDomainRDAP: json.RawMessage(`{"handle":"X"}`),
	}
}

func TestResultRoundTrip(t *testing.T) {
	t.Parallel()
	want := fullResult()
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var got iris.Result
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if !bytes.Equal(got.Raw, data) {
		t.Errorf("Raw = %s, want the marshalled bytes", got.Raw)
	}
	got.Raw = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestResponseRoundTrip(t *testing.T) {
	t.Parallel()
	want := iris.Response{
		HasMoreResults: true, Message: "There is more data for you to enjoy.", ResultsCount: 1, TotalCount: 7,
		Position: "abc", Results: []iris.Result{fullResult()}, MissingDomains: []string{"gone.example"},
		Error: &iris.APIError{Code: 413, Message: "too many"},
	}
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if !bytes.HasPrefix(data, []byte(`{"response":{`)) {
		t.Errorf("not wrapped: %.40s", data)
	}
	got, err := iris.DecodeResponse(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	got.Results[0].Raw = nil
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", *got, want)
	}
}

// TestFixtureReencodeStable checks that decode→encode is a fixed point on
// every recorded file and on our own test data: encoding a decoded response,
// decoding and encoding again gives the same bytes.
func TestFixtureReencodeStable(t *testing.T) {
	t.Parallel()
	files := testenv.IrisFixtureFiles(t)
	own, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range append(files, own...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, err := iris.DecodeResponse(data)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			enc1, err := json.Marshal(first)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			second, err := iris.DecodeResponse(enc1)
			if err != nil {
				t.Fatalf("decode re-encoded: %v", err)
			}
			enc2, err := json.Marshal(second)
			if err != nil {
				t.Fatalf("marshal again: %v", err)
			}
			if !bytes.Equal(enc1, enc2) {
				t.Errorf("re-encoding is not stable")
			}
			if len(first.Results) != len(second.Results) {
				t.Fatalf("results %d → %d", len(first.Results), len(second.Results))
			}
			for i := range first.Results {
				a, b := first.Results[i], second.Results[i]
				if a.Domain != b.Domain || a.DomainRisk.RiskScore != b.DomainRisk.RiskScore ||
					!reflect.DeepEqual(a.DomainRisk.Components, b.DomainRisk.Components) ||
					a.Registrar != b.Registrar || a.WebsiteTitle != b.WebsiteTitle || a.Alexa != b.Alexa ||
					len(a.SSLInfo) != len(b.SSLInfo) || len(a.IP) != len(b.IP) {
					t.Errorf("result %d (%s) changed in the round trip", i, a.Domain)
				}
			}
		})
	}
}

func TestAccountRoundTrip(t *testing.T) {
	t.Parallel()
	body := `{"response":{"account":{"api_username":"u","active":true},"products":[
	 {"id":"iris-investigate","per_month_limit":"200000","per_minute_limit":"20","absolute_limit":null,"usage":{"today":"3","month":"192"},"expiration_date":null},
	 {"id":"iris-enrich","per_month_limit":null,"per_hour_limit":"1000","per_minute_limit":60,"absolute_limit":"","usage":{"today":"85"},"expiration_date":"2020-07-17"}]}}`
	var ar iris.AccountResponse
	if err := json.Unmarshal([]byte(body), &ar); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	acc := ar.Account()
	inv, ok := acc.Product(iris.ProductInvestigate)
	if !ok || acc.Username != "u" || !acc.Active {
		t.Fatalf("account = %+v", acc)
	}
	want := iris.Product{ID: "iris-investigate", PerMonthLimit: ptr(200000), PerMinuteLimit: ptr(20), UsageToday: ptr(3), UsageMonth: ptr(192)}
	if !reflect.DeepEqual(inv, want) {
		t.Errorf("investigate = %+v, want %+v", inv, want)
	}
	enr, _ := acc.Product(iris.ProductEnrich)
	wantEnr := iris.Product{ID: "iris-enrich", PerHourLimit: ptr(1000), PerMinuteLimit: ptr(60), UsageToday: ptr(85), ExpirationDate: "2020-07-17"}
	if !reflect.DeepEqual(enr, wantEnr) {
		t.Errorf("enrich = %+v, want %+v", enr, wantEnr)
	}
	data, err := json.Marshal(iris.NewAccountResponse(acc))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var again iris.AccountResponse
	if err := json.Unmarshal(data, &again); err != nil {
		t.Fatalf("unmarshal re-encoded: %v", err)
	}
	if !reflect.DeepEqual(again.Account(), acc) {
		t.Errorf("account round trip:\n got %+v\nwant %+v", again.Account(), acc)
	}
}
