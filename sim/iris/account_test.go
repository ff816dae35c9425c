package irissim

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// accountProducts fetches /v1/account/ and answers its products by id,
// each as the raw JSON values of its keys.
func accountProducts(t *testing.T, e *env) map[string]map[string]json.RawMessage {
	t.Helper()
	r := e.post(t, PathAccount, nil)
	if r.status != 200 {
		t.Fatalf("account: %d %s", r.status, truncate(r.body))
	}
	var b struct {
		Response struct {
			Products []map[string]json.RawMessage `json:"products"`
		} `json:"response"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("account %s: %v", truncate(r.body), err)
	}
	out := map[string]map[string]json.RawMessage{}
	for _, p := range b.Response.Products {
		var id string
		if err := json.Unmarshal(p["id"], &id); err != nil {
			t.Fatalf("product id %s: %v", p["id"], err)
		}
		out[id] = p
	}
	return out
}

// The Iris products of a real account always carry a per_minute_limit, a
// string; per_hour_limit, absolute_limit and expiration_date are null
// (DomainTools python_api, tests/fixtures/vcr/test_account_information.yaml,
// the recordings of 2024 to 2026: iris-investigate "20", iris-enrich "60").
// python_api 2.7.2 paces every call by them (domaintools/api.py,
// _rate_limit: 60/per_minute, else 3600/per_hour, else 3600 s): a null
// per_minute_limit made it sleep an hour between calls.
func TestAccountLimitsAreStrings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		perMinute int
		want      string
	}{
		{"default", 0, strconv.Itoa(DefaultPerMinute)},
		{"configured", 20, "20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, func(c *Config) { c.PerMinute = tc.perMinute })
			products := accountProducts(t, e)
			for _, id := range []string{productInvestigate, productEnrich} {
				p, ok := products[id]
				if !ok {
					t.Fatalf("no product %s in %v", id, products)
				}
				for key, want := range map[string]string{
					"per_minute_limit": `"` + tc.want + `"`, "per_month_limit": `"100000"`,
					"per_hour_limit": "null", "absolute_limit": "null", "expiration_date": "null",
				} {
					if got := string(p[key]); got != want {
						t.Errorf("%s %s = %s, want %s", id, key, got, want)
					}
				}
				if interval := pythonAPIInterval(t, p); interval >= time.Hour {
					t.Errorf("%s: python_api would wait %v between calls", id, interval)
				}
			}
		})
	}
}

// pythonAPIInterval is the spacing python_api 2.7.2 derives from a
// product (domaintools/api.py, _rate_limit).
func pythonAPIInterval(t *testing.T, p map[string]json.RawMessage) time.Duration {
	t.Helper()
	num := func(key string) float64 {
		var s *string
		if err := json.Unmarshal(p[key], &s); err != nil {
			t.Fatalf("%s %s is not a string or null: %v", key, p[key], err)
		}
		if s == nil || *s == "" {
			return 0
		}
		f, err := strconv.ParseFloat(*s, 64)
		if err != nil {
			t.Fatalf("%s %q: %v", key, *s, err)
		}
		return f
	}
	if m := num("per_minute_limit"); m > 0 {
		return time.Duration(60 / m * float64(time.Second))
	}
	if h := num("per_hour_limit"); h > 0 {
		return time.Duration(3600 / h * float64(time.Second))
	}
	return time.Hour
}

// An hourly quota is answered as a string per_hour_limit (as the 2022
// recording's "1" and the Iris Detect products' "10" in
// tests/fixtures/vcr/test_account_information.yaml) and enforced like the
// per-minute one: 503 over it, per product.
func TestPerHourQuota(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.PerHour = 2 })
	for i := range 2 {
		if r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	msg := errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}), 503)
	if !strings.Contains(msg, "2 queries per hour") {
		t.Fatalf("message %q", msg)
	}
	if r := e.post(t, PathEnrich, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
		t.Fatalf("enrich has its own quota: %d", r.status)
	}
	p := accountProducts(t, e)[productInvestigate]
	if got := string(p["per_hour_limit"]); got != `"2"` {
		t.Fatalf("per_hour_limit = %s, want \"2\"", got)
	}
}

// A request refused by one quota is counted by none: the per-minute
// window is not used up by requests the hourly quota refused.
func TestRefusedRequestNotCounted(t *testing.T) {
	t.Parallel()
	var q quota
	q.init()
	limits := []limit{{time.Hour, 1}, {time.Minute, 5}}
	if ok, _ := q.allow("u", productInvestigate, testNow, limits...); !ok {
		t.Fatal("first request refused")
	}
	for range 3 {
		if ok, over := q.allow("u", productInvestigate, testNow, limits...); ok || over.per != time.Hour {
			t.Fatalf("over the hourly quota: ok=%v over=%v", ok, over)
		}
	}
	if ok, _ := q.allow("u", productInvestigate, testNow, limit{time.Minute, 2}); !ok {
		t.Fatal("the refused requests were counted in the minute window")
	}
}
