package irissim

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	const path = PathInvestigate
	ts := testNow.Format("2006-01-02T15:04:05Z")
	stale := testNow.Add(-6 * time.Minute).Format("2006-01-02T15:04:05Z")
	offset := testNow.In(time.FixedZone("", -8*3600)).Format("2006-01-02T15:04:05-0700")
	tests := []struct {
		name   string
		params url.Values
		want   int
	}{
		{"sha256", url.Values{"api_username": {"demo"}, "timestamp": {ts}, "signature": {sign(sha256.New, "demo", "demo-key", ts, path)}}, 200},
		{"sha1", url.Values{"api_username": {"demo"}, "timestamp": {ts}, "signature": {sign(sha1.New, "demo", "demo-key", ts, path)}}, 200},
		{"offset timestamp", url.Values{"api_username": {"demo"}, "timestamp": {offset}, "signature": {sign(sha256.New, "demo", "demo-key", offset, path)}}, 200},
		{"open key", url.Values{"api_username": {"demo"}, "api_key": {"demo-key"}}, 200},
		{"open key wrong", url.Values{"api_username": {"demo"}, "api_key": {"nope"}}, 403},
		{"bad signature", url.Values{"api_username": {"demo"}, "timestamp": {ts}, "signature": {sign(sha256.New, "demo", "other-key", ts, path)}}, 403},
		{"signed other path", url.Values{"api_username": {"demo"}, "timestamp": {ts}, "signature": {sign(sha256.New, "demo", "demo-key", ts, PathEnrich)}}, 403},
		{"upper-case hex", url.Values{"api_username": {"demo"}, "timestamp": {ts}, "signature": {strings.ToUpper(sign(sha256.New, "demo", "demo-key", ts, path))}}, 403},
		{"stale timestamp", url.Values{"api_username": {"demo"}, "timestamp": {stale}, "signature": {sign(sha256.New, "demo", "demo-key", stale, path)}}, 403},
		{"bad timestamp", url.Values{"api_username": {"demo"}, "timestamp": {"yesterday"}, "signature": {sign(sha256.New, "demo", "demo-key", "yesterday", path)}}, 403},
		{"unknown user", url.Values{"api_username": {"mallory"}, "timestamp": {ts}, "signature": {sign(sha256.New, "mallory", "demo-key", ts, path)}}, 403},
		{"username only", url.Values{"api_username": {"demo"}}, 403},
		{"no credentials", url.Values{}, 401},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				v := tc.params
				v.Set("domain", "domaintools.com")
				for _, method := range []string{http.MethodGet, http.MethodPost} {
					r := e.do(t, context.Background(), method, path, v)
					if tc.want == 200 {
						if r.status != 200 || len(r.response(t)["results"].([]any)) != 1 {
							t.Fatalf("%s: status %d body %s", method, r.status, truncate(r.body))
						}
						continue
					}
					msg := errorEnvelope(t, r, tc.want)
					if tc.want == 403 && msg != msgBadCredentials {
						t.Fatalf("%s: message %q", method, msg)
					}
				}
			})
		}
	})
	if got := e.s.Counters().ErrorsAuth; got != 18 {
		t.Errorf("ErrorsAuth = %d, want 18", got)
	}
}

func TestOpenKeyDisallowed(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.AllowOpenKey = false })
	r := e.do(t, context.Background(), http.MethodGet, PathInvestigate, url.Values{"api_username": {"demo"}, "api_key": {"demo-key"}, "domain": {"usb.vn"}})
	errorEnvelope(t, r, 403)
	if r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
		t.Fatalf("signed request: %d", r.status)
	}
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	many := func(n int) string {
		var ds []string
		for i := range n {
			ds = append(ds, fmt.Sprintf("d%03d.example-with-a-long-name.com", i))
		}
		return strings.Join(ds, ",")
	}
	t.Run("100 domains", func(t *testing.T) {
		t.Parallel()
		r := e.post(t, PathInvestigate, url.Values{"domain": {many(100)}})
		if r.status != 200 || len(r.response(t)["missing_domains"].([]any)) != 100 {
			t.Fatalf("status %d %s", r.status, truncate(r.body))
		}
	})
	for _, p := range []string{PathInvestigate, PathEnrich} {
		t.Run("101 domains "+p, func(t *testing.T) {
			t.Parallel()
			errorEnvelope(t, e.post(t, p, url.Values{"domain": {many(101)}}), 400)
		})
	}
	t.Run("long GET", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.do(t, context.Background(), http.MethodGet, PathInvestigate, signed(PathInvestigate, url.Values{"domain": {many(100)}})), 414)
	})
	t.Run("large body", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"domain": {"a.com"}, "pad": {strings.Repeat("x", 70<<10)}}), 413)
	})
	t.Run("unknown path", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, "/v1/nope/", nil), 404)
	})
	t.Run("no base param", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"tld": {"com"}}), 400)
	})
	t.Run("unsupported base param", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"search_hash": {"abc"}}), 400)
	})
	t.Run("bad filter", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"ip": {"199.30.228.112"}, "create_date": {"last week"}}), 400)
	})
	t.Run("page_size over 500", func(t *testing.T) {
		t.Parallel()
		errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"ip": {"199.30.228.112"}, "page_size": {"501"}}), 400)
	})
}

func TestLookupOrderAndMissing(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn, nope.example,INT-CHASE.com,usb.vn"}})
	resp := r.response(t)
	var got []string
	for _, x := range resp["results"].([]any) {
		got = append(got, x.(map[string]any)["domain"].(string))
	}
	if !slices.Equal(got, []string{"usb.vn", "int-chase.com"}) {
		t.Fatalf("results %v", got)
	}
	if m := resp["missing_domains"].([]any); len(m) != 1 || m[0] != "nope.example" {
		t.Fatalf("missing %v", m)
	}
	if resp["results_count"].(float64) != 2 || resp["total_count"].(float64) != 2 || resp["has_more_results"] != false {
		t.Fatalf("envelope %v", resp)
	}
	if c := e.s.Counters(); c.Domains != 3 || c.ByEndpoint[PathInvestigate] != 1 {
		t.Fatalf("counters %+v", c)
	}
}

func TestEnrichHasNoCounts(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	r := e.post(t, PathEnrich, url.Values{"domain": {"whoisapi.com"}})
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	resp := r.response(t)
	if _, ok := resp["total_count"]; ok {
		t.Fatal("enrich answered total_count")
	}
	if strings.Contains(string(r.body), `"count"`) {
		t.Fatalf("enrich carries counts: %s", truncate(r.body))
	}
	if !strings.Contains(string(r.body), `"ip":[{"address":{"value":"199.30.228.112"}`) {
		t.Fatalf("enrich lost values: %s", truncate(r.body))
	}
	errorEnvelope(t, e.post(t, PathEnrich, url.Values{"ip": {"199.30.228.112"}}), 400)
}

// collect pages through a search with page_size and returns the domains.
func collect(t *testing.T, e *env, q url.Values, pageSize int) (domains []string, pages int) {
	t.Helper()
	pos := ""
	for {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page_size", fmt.Sprint(pageSize))
		if pos != "" {
			v.Set("position", pos)
		}
		resp := e.post(t, PathInvestigate, v).response(t)
		pages++
		res := resp["results"].([]any)
		if int(resp["results_count"].(float64)) != len(res) {
			t.Fatalf("results_count %v for %d results", resp["results_count"], len(res))
		}
		for _, x := range res {
			domains = append(domains, x.(map[string]any)["domain"].(string))
		}
		if resp["has_more_results"] != true {
			if resp["message"] != msgEnjoy {
				t.Fatalf("last page message %v", resp["message"])
			}
			return domains, pages
		}
		if resp["message"] != msgMore {
			t.Fatalf("message %v", resp["message"])
		}
		pos, _ = resp["position"].(string)
		if len(pos) != 32 {
			t.Fatalf("position %q", pos)
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
	}
}

func TestPagingEveryDomainOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.Universe, c.Seed = 2000, 7 })
	want := e.s.Matching("nameserver_domain", "domaintools.net")
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{"by name", url.Values{"nameserver_domain": {"domaintools.net"}}, want},
		{"by risk desc", url.Values{"nameserver_domain": {"domaintools.net"}, "sort_by": {"risk_score"}, "sort_direction": {"dsc"}}, want},
		{"registrar", url.Values{"registrar": {"NAMECHEAP INC"}}, e.s.Matching("registrar", "namecheap inc")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, pages := collect(t, e, tc.q, 37)
			if pages < 3 {
				t.Fatalf("only %d pages for %d domains", pages, len(tc.want))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d domains over %d pages, want %d", len(got), pages, len(tc.want))
			}
			sorted := slices.Sorted(slices.Values(got))
			if !slices.Equal(slices.Compact(sorted), tc.want) {
				t.Fatal("pages duplicate or miss domains")
			}
		})
	}
}

func TestPositionBoundToQuery(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	resp := e.post(t, PathInvestigate, url.Values{"nameserver_host": {"ns1.domaintools.net"}, "page_size": {"10"}}).response(t)
	pos := resp["position"].(string)
	if r := e.post(t, PathInvestigate, url.Values{"nameserver_host": {"ns1.domaintools.net"}, "page_size": {"10"}, "position": {pos}}); r.status != 200 {
		t.Fatalf("same query: %d", r.status)
	}
	for _, v := range []url.Values{
		{"nameserver_host": {"ns2.domaintools.net"}, "position": {pos}},
		{"nameserver_host": {"ns1.domaintools.net"}, "tld": {"com"}, "position": {pos}},
		{"nameserver_host": {"ns1.domaintools.net"}, "position": {"0123456789abcdef0123456789abcdef"}},
		{"nameserver_host": {"ns1.domaintools.net"}, "position": {"zz"}},
	} {
		errorEnvelope(t, e.post(t, PathInvestigate, v), 400)
	}
}

func TestResultCap(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.ResultCap = 100 })
	r := e.post(t, PathInvestigate, url.Values{"nameserver_host": {"ns1.domaintools.net"}})
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	resp := r.response(t)
	if resp["limit_exceeded"] != true || resp["has_more_results"] != true || !strings.Contains(resp["message"].(string), "Maximum 100") {
		t.Fatalf("envelope %v", resp)
	}
	if _, ok := resp["results"]; ok {
		t.Fatal("results present on limit_exceeded")
	}
	if errObj := resp["error"].(map[string]any); errObj["code"].(float64) != 413 {
		t.Fatalf("error %v", errObj)
	}
	// 155 domains; a filter brings it under the cap.
	if r := e.post(t, PathInvestigate, url.Values{"nameserver_host": {"ns1.domaintools.net"}, "tld": {"vn"}}).response(t); r["limit_exceeded"] != false {
		t.Fatalf("narrowed search %v", r)
	}
}

func TestPerMinuteQuota(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.PerMinute = 3 })
	for i := range 3 {
		if r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	msg := errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}), 503)
	if !strings.Contains(msg, "rate limit") {
		t.Fatalf("message %q", msg)
	}
	// Enrich has its own quota.
	if r := e.post(t, PathEnrich, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
		t.Fatalf("enrich: %d", r.status)
	}
	acct := e.post(t, PathAccount, nil).response(t)
	p := acct["products"].([]any)[0].(map[string]any)
	if p["id"] != productInvestigate || p["per_minute_limit"] != "3" || p["usage"].(map[string]any)["today"] != "3" {
		t.Fatalf("account %v", acct)
	}
	if c := e.s.Counters(); c.Errors503 != 1 {
		t.Fatalf("Errors503 = %d", c.Errors503)
	}
}

func TestErrorRateDeterministic(t *testing.T) {
	t.Parallel()
	outcomes := func() []int {
		e := setup(t, func(c *Config) { c.ErrorRate, c.Seed = 0.3, 11 })
		var out []int
		for range 60 {
			r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}})
			if r.status == 500 {
				errorEnvelope(t, r, 500)
			}
			out = append(out, r.status)
		}
		if got := e.s.Counters().Errors500; int(got) != strings.Count(fmt.Sprint(out), "500") {
			t.Fatalf("Errors500 %d vs %v", got, out)
		}
		return out
	}
	a, b := outcomes(), outcomes()
	if !slices.Equal(a, b) {
		t.Fatalf("not deterministic:\n%v\n%v", a, b)
	}
	n := strings.Count(fmt.Sprint(a), "500")
	if n < 5 || n > 35 {
		t.Fatalf("%d errors of 60 at rate 0.3", n)
	}
}

func TestLatencyHonoursCancellation(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.Latency = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+PathAccount+"?"+signed(PathAccount, nil).Encode(), nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.s.Counters().Canceled != 1 {
		if time.Now().After(deadline) {
			t.Fatal("handler still waiting after the client went away")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCountersEndpoints(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.post(t, PathInvestigate, url.Values{"ip": {"199.30.228.112"}})
	r := e.do(t, context.Background(), http.MethodGet, "/_sim/counters", nil)
	c := r.json(t)
	if c["searches"].(float64) != 1 || c["pages"].(float64) != 1 || c["requests"].(float64) != 1 {
		t.Fatalf("counters %v", c)
	}
	e.do(t, context.Background(), http.MethodPost, "/_sim/reset", nil)
	if got := e.s.Counters(); got.Requests != 0 || len(got.ByEndpoint) != 0 {
		t.Fatalf("after reset %+v", got)
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	u, stop, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u + "/_sim/counters")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(u + "/_sim/counters"); err == nil {
		t.Fatal("still serving after stop")
	}
}
