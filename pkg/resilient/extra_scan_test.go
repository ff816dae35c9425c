package resilient

import (
	"encoding/json"
	"reflect"
	"testing"
)

// unknownKeys gives what the map decode it replaces gave.
func TestUnknownKeysMatchesMapDecode(t *testing.T) {
	t.Parallel()
	known := map[string]bool{"id": true, "name": true}
	for _, in := range []string{
		`{}`, `null`, ` { "id" : 1 , "name":"x" } `,
		`{"id":1,"x":{"a":[1,{"b":"}]"}],"c":"\"{"},"y":[],"z":-1.5e3,"t":true,"n":null}`,
		`{"k\u0065y":"escaped key","a\"b":1,"name":{"nested":"known"}}`,
		`{"dup":1,"dup":[2]}`,
		"{\n\t\"s\":\"a\\\\\",\"w\" :\r\n {\"x\" : [ 1 , 2 ] } }",
	} {
		var all map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &all); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want Extra
		for k, v := range all {
			if !known[k] {
				if want == nil {
					want = Extra{}
				}
				want[k] = v
			}
		}
		got, err := unknownKeys([]byte(in), known)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("unknownKeys(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}
