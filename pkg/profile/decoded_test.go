package profile

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// The decoded cache answers the result it was given for the same fetch
// only, and keeps no more raw bytes than its bound (least recently used
// out first).
func TestDecodedCacheIsBoundedLRU(t *testing.T) {
	t.Parallel()
	res := func(domain string) *iris.Result {
		return &iris.Result{Domain: domain, Raw: json.RawMessage(`{"domain":"` + domain + `","pad":"` + strings.Repeat("x", 80) + `"}`)}
	}
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	a, b, c := res("a.example"), res("b.example"), res("c.example")
	d := newDecoded(2*len(a.Raw) + 1) // room for two
	d.put(keyOf("a.example", at), a)
	d.put(keyOf("b.example", at), b)
	if r, ok := d.get(keyOf("a.example", at)); !ok || r != a {
		t.Fatalf("get a = %v, %v; want the result put", r, ok)
	}
	if _, ok := d.get(keyOf("a.example", at.Add(time.Second))); ok {
		t.Error("a later fetch of a.example answered from the cache of the earlier one")
	}
	d.put(keyOf("c.example", at), c) // b is the least recently used
	if _, ok := d.get(keyOf("b.example", at)); ok {
		t.Error("b still kept beyond the bound")
	}
	for _, k := range []string{"a.example", "c.example"} {
		if _, ok := d.get(keyOf(k, at)); !ok {
			t.Errorf("%s evicted, want it kept", k)
		}
	}
	if d.bytes > d.max || d.order.Len() != 2 || len(d.byKey) != 2 {
		t.Errorf("holds %d bytes (max %d), %d entries / %d keys; want 2", d.bytes, d.max, d.order.Len(), len(d.byKey))
	}
}
