package irissim

import (
	"net/url"
	"strings"
	"testing"
)

// A burst of injected failures: the next n requests fail with the status
// asked for, counted, and the server answers normally afterwards; an
// injected 503 does not use the quota.
func TestFailNext(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *Config) { c.PerMinute = 3 })
	for _, status := range []int{500, 503} {
		e.s.FailNext(2, status)
		for i := range 2 {
			msg := errorEnvelope(t, e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}), status)
			if strings.Contains(msg, "rate limit") {
				t.Fatalf("%d #%d: an injected failure reads as the quota: %q", status, i, msg)
			}
		}
	}
	for i := range 3 {
		if r := e.post(t, PathInvestigate, url.Values{"domain": {"usb.vn"}}); r.status != 200 {
			t.Fatalf("request %d after the burst: %d", i, r.status)
		}
	}
	if c := e.s.Counters(); c.Errors500 != 2 || c.Errors503 != 2 {
		t.Fatalf("Errors500 %d, Errors503 %d; want 2 and 2", c.Errors500, c.Errors503)
	}
}
