package resilient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Inputs are a function message's inputs, raw as SOAR encodes them:
// text as a string, rich text as {"format","content"}, select as
// {"id","name"}, multiselect as a list of those, number and boolean plain,
// date as epoch ms (assumed), absent or unset as null. The accessors read
// every encoding.
type Inputs map[string]json.RawMessage

// Choice is one select / multiselect value.
type Choice struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type kind int

const (
	kindNull kind = iota
	kindString
	kindNumber
	kindBool
	kindRichText
	kindChoice
	kindList
	kindObject
)

// classify tells how an input is encoded.
func classify(raw json.RawMessage) kind {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return kindNull
	}
	switch raw[0] {
	case 'n':
		return kindNull
	case '"':
		return kindString
	case 't', 'f':
		return kindBool
	case '[':
		return kindList
	case '{':
		var keys map[string]json.RawMessage
		if json.Unmarshal(raw, &keys) != nil {
			return kindObject
		}
		_, hasContent := keys["content"]
		_, hasFormat := keys["format"]
		_, hasID := keys["id"]
		_, hasName := keys["name"]
		switch {
		case hasContent && hasFormat:
			return kindRichText
		case hasID && hasName:
			return kindChoice
		}
		return kindObject
	default:
		return kindNumber
	}
}

func (in Inputs) raw(name string) (json.RawMessage, kind) {
	raw, ok := in[name]
	if !ok {
		return nil, kindNull
	}
	return raw, classify(raw)
}

// Has reports whether input name is present and not null.
func (in Inputs) Has(name string) bool {
	_, k := in.raw(name)
	return k != kindNull
}

// String reads a text input. Rich text gives its content, a select its
// name, a number its decimal text, a boolean "true"/"false". It reports
// false for a missing or null input, or one that is a list or other object.
func (in Inputs) String(name string) (string, bool) {
	raw, k := in.raw(name)
	switch k {
	case kindString:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case kindRichText:
		var t Text
		if json.Unmarshal(raw, &t) != nil {
			return "", false
		}
		return t.Content, true
	case kindChoice:
		var c Choice
		if json.Unmarshal(raw, &c) != nil {
			return "", false
		}
		return c.Name, true
	case kindNumber, kindBool:
		return string(bytes.TrimSpace(raw)), true
	}
	return "", false
}

// Int reads a number input (or a numeric string). ok is false for a missing
// or null input (or an empty string); err is set for anything else that is
// not an integer.
func (in Inputs) Int(name string) (v int64, ok bool, err error) {
	raw, k := in.raw(name)
	switch k {
	case kindNull:
		return 0, false, nil
	case kindNumber:
		v, err := numberToInt(json.Number(bytes.TrimSpace(raw)))
		if err != nil {
			return 0, false, fmt.Errorf("input %s: %w", name, err)
		}
		return v, true, nil
	case kindString:
		s, _ := in.String(name)
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, false, nil
		}
		v, err := numberToInt(json.Number(s))
		if err != nil {
			return 0, false, fmt.Errorf("input %s: %w", name, err)
		}
		return v, true, nil
	}
	return 0, false, fmt.Errorf("input %s: not a number: %s", name, raw)
}

// Bool reads a boolean input (or the strings "true"/"false"). ok is false
// for a missing or null input; err is set for anything else.
func (in Inputs) Bool(name string) (v bool, ok bool, err error) {
	raw, k := in.raw(name)
	switch k {
	case kindNull:
		return false, false, nil
	case kindBool:
		return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("t")), true, nil
	case kindString:
		s, _ := in.String(name)
		b, perr := strconv.ParseBool(strings.TrimSpace(s))
		if perr != nil {
			return false, false, fmt.Errorf("input %s: not a boolean: %q", name, s)
		}
		return b, true, nil
	}
	return false, false, fmt.Errorf("input %s: not a boolean: %s", name, raw)
}

// Select reads a select input ({"id","name"}); a plain string is taken as
// the name, a number as the id. ok is false when missing, null or a list.
func (in Inputs) Select(name string) (Choice, bool) {
	raw, k := in.raw(name)
	switch k {
	case kindChoice:
		var c Choice
		if json.Unmarshal(raw, &c) != nil {
			return Choice{}, false
		}
		return c, true
	case kindString, kindRichText:
		s, _ := in.String(name)
		return Choice{Name: s}, true
	case kindNumber:
		id, ok, err := in.Int(name)
		if !ok || err != nil {
			return Choice{}, false
		}
		return Choice{ID: id}, true
	}
	return Choice{}, false
}

// MultiSelect reads a multiselect input: a list of {"id","name"} (or of
// plain names). It returns nil when missing or not a list; a single select
// value gives a one-element list.
func (in Inputs) MultiSelect(name string) []Choice {
	raw, k := in.raw(name)
	switch k {
	case kindList:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		out := make([]Choice, 0, len(items))
		for _, item := range items {
			if c, ok := (Inputs{"": item}).Select(""); ok {
				out = append(out, c)
			}
		}
		return out
	case kindChoice:
		c, _ := in.Select(name)
		return []Choice{c}
	}
	return nil
}

// Time reads a date or date-time input: epoch milliseconds (number or
// numeric string), an RFC 3339 string, or YYYY-MM-DD (UTC midnight). ok is
// false when missing, null or unparseable.
func (in Inputs) Time(name string) (time.Time, bool) {
	raw, k := in.raw(name)
	switch k {
	case kindNumber:
		ms, err := numberToInt(json.Number(bytes.TrimSpace(raw)))
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	case kindString:
		s, _ := in.String(name)
		s = strings.TrimSpace(s)
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.UnixMilli(ms).UTC(), true
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, true
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Flatten gives the inputs as resilient-circuits reports them under
// ResultPayload "inputs": selects as their names, multiselects as lists of
// names, rich text as its content; numbers stay numbers (json.Number, so
// epoch ms keep every digit), booleans and strings as they are, null as nil.
func (in Inputs) Flatten() map[string]any {
	out := make(map[string]any, len(in))
	for name, raw := range in {
		switch classify(raw) {
		case kindNull:
			out[name] = nil
		case kindString, kindRichText:
			s, _ := in.String(name)
			out[name] = s
		case kindChoice:
			c, _ := in.Select(name)
			out[name] = c.Name
		case kindNumber:
			out[name] = json.Number(bytes.TrimSpace(raw))
		case kindBool:
			b, _, _ := in.Bool(name)
			out[name] = b
		case kindList:
			var items []json.RawMessage
			if json.Unmarshal(raw, &items) == nil && allChoices(items) {
				names := make([]string, 0, len(items))
				for _, c := range in.MultiSelect(name) {
					names = append(names, c.Name)
				}
				out[name] = names
				continue
			}
			out[name] = decodeAny(raw)
		default:
			out[name] = decodeAny(raw)
		}
	}
	return out
}

func allChoices(items []json.RawMessage) bool {
	for _, it := range items {
		if classify(it) != kindChoice {
			return false
		}
	}
	return true
}

func decodeAny(raw json.RawMessage) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return string(raw)
	}
	return v
}
