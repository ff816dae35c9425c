package iris_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
)

// echoIris answers each asked domain with a result, except those in
// missing, which it lists in missing_domains.
func echoIris(t *testing.T, missing ...string) *fakeIris {
	t.Helper()
	return newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		var found, miss []string
		for _, d := range strings.Split(form.Get("domain"), ",") {
			if slices.Contains(missing, d) {
				miss = append(miss, d)
			} else {
				found = append(found, d)
			}
		}
		return http.StatusOK, resultsBody(t, found, miss)
	})
}

func TestInvestigateBatches(t *testing.T) {
	t.Parallel()
	f := echoIris(t)
	c := f.client(t)
	var domains []string
	for i := range 250 {
		domains = append(domains, fmt.Sprintf("d%03d.example", i))
	}
	p, err := c.Investigate(t.Context(), domains)
	if err != nil {
		t.Fatalf("investigate: %v", err)
	}
	if f.requests() != 3 {
		t.Fatalf("requests = %d, want 3", f.requests())
	}
	var sent []string
	for i := range 3 {
		batch := strings.Split(f.form(i).Get("domain"), ",")
		if len(batch) > iris.MaxDomainsPerRequest {
			t.Errorf("batch %d has %d domains", i, len(batch))
		}
		if got := f.path(i); got != "POST /v1/iris-investigate/" {
			t.Errorf("request %d = %s", i, got)
		}
		sent = append(sent, batch...)
	}
	if !slices.Equal(sent, domains) {
		t.Errorf("sent %d domains, not the 250 asked in order", len(sent))
	}
	if len(p.ByDomain) != 250 || p.Len() != 250 || len(p.Missing) != 0 {
		t.Errorf("ByDomain %d Len %d Missing %v", len(p.ByDomain), p.Len(), p.Missing)
	}
	for _, d := range domains {
		if r, ok := p.ByDomain[d]; !ok || r.Domain != d {
			t.Errorf("%s: got %v", d, r)
		}
	}
}

func TestInvestigateMatchingAndMissing(t *testing.T) {
	t.Parallel()
	// The server answers in Unicode for the punycode it was asked, and
	// reports gone.example missing.
	f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		var found []string
		for _, d := range strings.Split(form.Get("domain"), ",") {
			switch d {
			case "xn--bcher-kva.example":
				found = append(found, "bücher.example")
			case "gone.example", "silent.example":
			default:
				found = append(found, strings.ToUpper(d))
			}
		}
		found = append(found, "unasked.example")
		return http.StatusOK, resultsBody(t, found, []string{"gone.example"})
	})
	c := f.client(t)
	asked := []string{"Example.COM", "example.com.", " example.com ", "xn--bcher-kva.example", "BÜCHER.example", "gone.example", "silent.example", "", "  "}
	p, err := c.Investigate(t.Context(), asked)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.form(0).Get("domain"); got != "example.com,xn--bcher-kva.example,gone.example,silent.example" {
		t.Errorf("sent %q", got)
	}
	for _, spelling := range []string{"Example.COM", "example.com.", "example.com"} {
		if r, ok := p.ByDomain[spelling]; !ok || r.Domain != "EXAMPLE.COM" {
			t.Errorf("ByDomain[%q] = %v", spelling, r)
		}
	}
	for _, spelling := range []string{"xn--bcher-kva.example", "BÜCHER.example"} {
		if r, ok := p.ByDomain[spelling]; !ok || r.Domain != "bücher.example" {
			t.Errorf("ByDomain[%q] = %v", spelling, r)
		}
	}
	if r, ok := p.Get("bücher.EXAMPLE."); !ok || r.Domain != "bücher.example" {
		t.Errorf("Get in another spelling = %v %v", r, ok)
	}
	if _, ok := p.Get("unasked.example"); ok {
		t.Error("a result nobody asked for was kept")
	}
	if !slices.Equal(p.Missing, []string{"gone.example", "silent.example"}) {
		t.Errorf("Missing = %v", p.Missing)
	}
	if p.Len() != 2 {
		t.Errorf("Len = %d", p.Len())
	}
}

func TestInvestigateRefusesBadDomains(t *testing.T) {
	t.Parallel()
	f := echoIris(t)
	c := f.client(t)
	for _, bad := range []string{"a.example,b.example", "a example"} {
		_, err := c.Investigate(t.Context(), []string{"ok.example", bad})
		if !errors.Is(err, iris.ErrBadRequest) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
	if f.requests() != 0 {
		t.Errorf("requests = %d", f.requests())
	}
	p, err := c.Investigate(t.Context(), nil)
	if err != nil || p.Len() != 0 || f.requests() != 0 {
		t.Errorf("empty list: %v, %d requests", err, f.requests())
	}
}

func TestInvestigatePartialOnError(t *testing.T) {
	t.Parallel()
	f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		if n == 2 {
			return http.StatusForbidden, errorBody(403, "not entitled")
		}
		return http.StatusOK, resultsBody(t, strings.Split(form.Get("domain"), ","), nil)
	})
	c := f.client(t)
	var domains []string
	for i := range 150 {
		domains = append(domains, fmt.Sprintf("p%d.example", i))
	}
	p, err := c.Investigate(t.Context(), domains)
	if !errors.Is(err, iris.ErrAuth) || !strings.Contains(err.Error(), "batch 2 of 2") {
		t.Fatalf("err = %v", err)
	}
	if p == nil || p.Len() != 100 {
		t.Errorf("partial profiles: %v", p)
	}
}

func TestEnrichUsesEnrichEndpoint(t *testing.T) {
	t.Parallel()
	f := echoIris(t, "nope.example")
	c := f.client(t)
	p, err := c.Enrich(t.Context(), []string{"a.example", "nope.example"})
	if err != nil {
		t.Fatal(err)
	}
	if f.path(0) != "POST /v1/iris-enrich/" {
		t.Errorf("request = %s", f.path(0))
	}
	if _, ok := p.Get("a.example"); !ok || !slices.Equal(p.Missing, []string{"nope.example"}) {
		t.Errorf("profiles = %+v", p)
	}
}

func TestAccount(t *testing.T) {
	t.Parallel()
	body := `{"response":{"account":{"api_username":"analyst","active":true},"products":[{"id":"iris-investigate","per_month_limit":"200000","per_minute_limit":"20","absolute_limit":null,"usage":{"today":"3","month":"192"},"expiration_date":null}]}}`
	f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		if n == 1 {
			return 503, errorBody(503, "busy")
		}
		return http.StatusOK, body
	})
	c := f.client(t)
	acc, err := c.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if f.path(1) != "GET /v1/account/" || f.form(1).Get("signature") == "" {
		t.Errorf("request = %s %v", f.path(1), f.form(1))
	}
	p, ok := acc.Product(iris.ProductInvestigate)
	if !ok || acc.Username != "analyst" || p.PerMinuteLimit == nil || *p.PerMinuteLimit != 20 || p.AbsoluteLimit != nil || *p.UsageMonth != 192 {
		t.Errorf("account = %+v product %+v", acc, p)
	}
}

func TestAccountErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   error
	}{
		{403, errorBody(403, "bad credentials"), iris.ErrAuth},
		{200, `{"error":{"code":403,"message":"bad"}}`, iris.ErrAuth},
		{200, `{"response":{}}`, iris.ErrMalformed},
		{200, `nope`, iris.ErrMalformed},
	}
	for _, tt := range tests {
		f := newFakeIris(t, func(int, *http.Request, url.Values) (int, string) { return tt.status, tt.body })
		_, err := f.client(t).Account(t.Context())
		if !errors.Is(err, tt.want) {
			t.Errorf("%d %s: err = %v, want %v", tt.status, tt.body, err, tt.want)
		}
	}
}
