package iris

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Attr is a guided-pivot value: {"value": "...", "count": N}. Count is how
// many domains share the exact value (0 when the value is empty).
//
// Decoding accepts the object with or without count (Enrich omits it), a bare
// string (Iris sends "" for an unknown website_title or server_type), a
// number (kept as its decimal text) and null. Encoding always produces the
// object form; count is left out only when Uncounted is set.
type Attr struct {
	// Value is the pivot value; numbers are kept as their JSON text.
	Value string
	// Count is the number of domains sharing Value.
	Count int
	// Uncounted is true when the value came without a count (Iris Enrich)
	// and makes MarshalJSON omit the count key.
	Uncounted bool
}

// String returns the value.
func (a Attr) String() string { return a.Value }

// IsEmpty reports whether the value is empty.
func (a Attr) IsEmpty() bool { return a.Value == "" }

type attrWire struct {
	Value flexString `json:"value"`
	Count flexCount  `json:"count"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *Attr) UnmarshalJSON(data []byte) error {
	if v, _, n, counted, ok := fastAttr(data); ok {
		*a = Attr{Value: v, Count: n, Uncounted: !counted}
		return nil
	}
	return a.slowUnmarshal(data)
}

func (a *Attr) slowUnmarshal(data []byte) error {
	switch jsonKind(data) {
	case '{':
		var w attrWire
		if err := json.Unmarshal(data, &w); err != nil {
			return fmt.Errorf("iris: attr: %w", err)
		}
		*a = Attr{Value: string(w.Value), Count: w.Count.n, Uncounted: !w.Count.set}
	case 'n':
		*a = Attr{}
	default:
		var s flexString
		if err := s.UnmarshalJSON(data); err != nil {
			return fmt.Errorf("iris: attr: %w", err)
		}
		*a = Attr{Value: string(s)}
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (a Attr) MarshalJSON() ([]byte, error) {
	v, err := json.Marshal(a.Value)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, len(v)+32)
	buf = append(buf, `{"value":`...)
	buf = append(buf, v...)
	if !a.Uncounted {
		buf = append(buf, `,"count":`...)
		buf = strconv.AppendInt(buf, int64(a.Count), 10)
	}
	return append(buf, '}'), nil
}

// Attrs is a list of pivot values ([{value, count}]). It decodes null as
// empty, a single object or string as a one-element list, and encodes nil as
// [] like Iris does.
type Attrs []Attr

// Values returns the non-empty values.
func (as Attrs) Values() []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		if a.Value != "" {
			out = append(out, a.Value)
		}
	}
	return out
}

// UnmarshalJSON implements json.Unmarshaler.
func (as *Attrs) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case '[':
		var list []Attr
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		*as = list
	case 'n':
		*as = nil
	default:
		var a Attr
		if err := a.UnmarshalJSON(data); err != nil {
			return err
		}
		if a.Value == "" && a.Count == 0 {
			*as = nil
			return nil
		}
		*as = Attrs{a}
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (as Attrs) MarshalJSON() ([]byte, error) {
	if as == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Attr(as))
}

// IntAttr is a pivot value whose value is a number: an ASN, an SSL
// not_before/not_after date as YYYYMMDD, an SSL duration in days.
// Numeric strings, "" and null decode as numbers (0 when empty).
type IntAttr struct {
	// Value is the numeric value.
	Value int
	// Count is the number of domains sharing Value.
	Count int
	// Uncounted is true when the value came without a count (Iris Enrich).
	Uncounted bool
}

type intAttrWire struct {
	Value flexInt   `json:"value"`
	Count flexCount `json:"count"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *IntAttr) UnmarshalJSON(data []byte) error {
	if v, isNum, n, counted, ok := fastAttr(data); ok && (isNum || v == "") {
		iv := 0
		if v != "" {
			var err error
			if iv, err = parseNumber(v); err != nil {
				return a.slowUnmarshal(data)
			}
		}
		*a = IntAttr{Value: iv, Count: n, Uncounted: !counted}
		return nil
	}
	return a.slowUnmarshal(data)
}

func (a *IntAttr) slowUnmarshal(data []byte) error {
	switch jsonKind(data) {
	case '{':
		var w intAttrWire
		if err := json.Unmarshal(data, &w); err != nil {
			return fmt.Errorf("iris: attr: %w", err)
		}
		*a = IntAttr{Value: int(w.Value), Count: w.Count.n, Uncounted: !w.Count.set}
	default:
		n, _, err := parseFlexInt(data)
		if err != nil {
			return fmt.Errorf("iris: attr: %w", err)
		}
		*a = IntAttr{Value: n}
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (a IntAttr) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 40)
	buf = append(buf, `{"value":`...)
	buf = strconv.AppendInt(buf, int64(a.Value), 10)
	if !a.Uncounted {
		buf = append(buf, `,"count":`...)
		buf = strconv.AppendInt(buf, int64(a.Count), 10)
	}
	return append(buf, '}'), nil
}

// NullInt is a number that may be unknown: Iris sends "" for an unknown
// alexa or popularity_rank and may omit risk_score. Decoding accepts numbers,
// numeric strings, "" and null; encoding writes the number, or "" when not
// Valid.
type NullInt struct {
	// Int is the value when Valid.
	Int int
	// Valid is true when a number was present.
	Valid bool
}

// Known returns a valid NullInt holding n.
func Known(n int) NullInt { return NullInt{Int: n, Valid: true} }

// Get returns the value and whether it is known.
func (n NullInt) Get() (int, bool) { return n.Int, n.Valid }

// UnmarshalJSON implements json.Unmarshaler.
func (n *NullInt) UnmarshalJSON(data []byte) error {
	v, ok, err := parseFlexInt(data)
	if err != nil {
		return err
	}
	*n = NullInt{Int: v, Valid: ok}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (n NullInt) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte(`""`), nil
	}
	return strconv.AppendInt(nil, int64(n.Int), 10), nil
}

// IntAttrs is a list of numeric pivot values (ip[].asn). It encodes nil as [].
type IntAttrs []IntAttr

// MarshalJSON implements json.Marshaler.
func (as IntAttrs) MarshalJSON() ([]byte, error) {
	if as == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]IntAttr(as))
}

// UnmarshalJSON implements json.Unmarshaler; null decodes as empty and a
// single value as a one-element list.
func (as *IntAttrs) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case '[':
		var list []IntAttr
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		*as = list
	case 'n':
		*as = nil
	default:
		var a IntAttr
		if err := a.UnmarshalJSON(data); err != nil {
			return err
		}
		*as = IntAttrs{a}
	}
	return nil
}
