package iris

import (
	"testing"
)

// FuzzAttrFastPath checks the hand-written Attr/IntAttr parser against the
// encoding/json path: whenever the fast path accepts an input, both give the
// same value.
func FuzzAttrFastPath(f *testing.F) {
	for _, s := range []string{
		`{"value":"x","count":1}`, `{"value":""}`, `{"count":3,"value":"a b"}`, `{}`, ` { "value" : 12 , "count" : null } `,
		`{"value":null,"count":0}`, `{"value":"é","count":2}`, `{"value":"a\"b"}`, `{"value":-1.5e3,"count":-2}`,
		`{"value":"x","count":1}x`, `{"value":"x",}`, `{"value":20191016,"count":66365}`, `{"value":"\xff"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if v, _, n, counted, ok := fastAttr(data); ok {
			var slow Attr
			if err := slow.slowUnmarshal(data); err != nil {
				t.Fatalf("fast path accepted %q, slow path: %v", data, err)
			}
			if fast := (Attr{Value: v, Count: n, Uncounted: !counted}); fast != slow {
				t.Fatalf("%q: fast %+v, slow %+v", data, fast, slow)
			}
		}
		var fast, slow IntAttr
		ferr := fast.UnmarshalJSON(data)
		serr := slow.slowUnmarshal(data)
		if ferr == nil && (serr != nil || fast != slow) {
			t.Fatalf("IntAttr %q: fast %+v (%v), slow %+v (%v)", data, fast, ferr, slow, serr)
		}
	})
}
