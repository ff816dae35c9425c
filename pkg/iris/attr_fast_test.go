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

func TestJSONNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0", true}, {"-0", true}, {"12", true}, {"-1.5e3", true}, {"1E+2", true}, {"0.25", true}, {"20191016", true},
		{"", false}, {"-", false}, {"00", false}, {"01", false}, {"-01", false}, {"1.", false}, {"1.e5", false},
		{".5", false}, {"1e", false}, {"1e+", false}, {"+1", false}, {"1-", false}, {"--1", false},
	} {
		if got := jsonNumber([]byte(tc.in)); got != tc.want {
			t.Errorf("jsonNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
