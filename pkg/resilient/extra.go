package resilient

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Extra holds the JSON keys of an object that its Go type does not name, so
// that decoding and re-encoding a DTO loses nothing.
type Extra map[string]json.RawMessage

var knownCache sync.Map // reflect.Type -> map[string]bool

// knownKeys lists the JSON names of t's fields (struct tags, first part).
func knownKeys(t reflect.Type) map[string]bool {
	if v, ok := knownCache.Load(t); ok {
		return v.(map[string]bool)
	}
	keys := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	knownCache.Store(t, keys)
	return keys
}

// decodeWithExtra is the body of a DTO's UnmarshalJSON: it decodes b into a
// fresh P, keeps the keys P's fields do not name in *extra, and replaces
// *dst with the result (on error *dst is left as it was). P is the DTO's
// method-less twin (`type plain DTO`), so decoding it does not recurse, and
// dst and extra point into the same DTO:
//
//	func (d *DTO) UnmarshalJSON(b []byte) error {
//		type plain DTO
//		return decodeWithExtra(b, (*plain)(d), &d.Extra)
//	}
func decodeWithExtra[P any](b []byte, dst *P, extra *Extra) error {
	var p P
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	unknown, err := unknownKeys(b, knownKeys(reflect.TypeFor[P]()))
	if err != nil {
		return err
	}
	*dst = p
	*extra = unknown
	return nil
}

// encodeWithExtra is the body of a DTO's MarshalJSON: it encodes v (the
// DTO converted to its method-less twin) and adds the extra keys that v does
// not already write:
//
//	func (d DTO) MarshalJSON() ([]byte, error) {
//		type plain DTO
//		return encodeWithExtra(plain(d), d.Extra)
//	}
func encodeWithExtra(v any, extra Extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for k, raw := range extra {
		if _, ok := all[k]; !ok {
			all[k] = raw
		}
	}
	return json.Marshal(all)
}
