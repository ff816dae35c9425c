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

// decodeWithExtra decodes b into v (a pointer to a struct without custom
// unmarshalling) and returns the keys v's type does not know.
func decodeWithExtra(b []byte, v any) (Extra, error) {
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	known := knownKeys(reflect.TypeOf(v).Elem())
	var extra Extra
	for k, raw := range all {
		if known[k] {
			continue
		}
		if extra == nil {
			extra = Extra{}
		}
		extra[k] = raw
	}
	return extra, nil
}

// encodeWithExtra encodes v (a struct without custom marshalling) and adds
// the extra keys that v does not already write.
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
