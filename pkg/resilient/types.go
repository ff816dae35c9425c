package resilient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Ref is a SOAR reference to a typed value (artifact type, object type,
// severity, phase...). On the wire it is a number (id), a string (API or
// display name, with handle_format=names) or an object {"id","name"}; Ref
// accepts all three.
type Ref struct {
	ID   int64
	Name string
}

// UnmarshalJSON accepts a number, a string or {"id","name"}.
func (r *Ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*r = Ref{}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = Ref{Name: s}
		return nil
	case b[0] == '{':
		var o struct {
			ID   json.Number `json:"id"`
			Name string      `json:"name"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		id, err := numberToInt(o.ID)
		if err != nil {
			return fmt.Errorf("ref id: %w", err)
		}
		*r = Ref{ID: id, Name: o.Name}
		return nil
	default:
		id, err := numberToInt(json.Number(b))
		if err != nil {
			return fmt.Errorf("ref: %w", err)
		}
		*r = Ref{ID: id}
		return nil
	}
}

// MarshalJSON writes {"id","name"} when both are known, else the number or
// the name alone, else null.
func (r Ref) MarshalJSON() ([]byte, error) {
	switch {
	case r.ID != 0 && r.Name != "":
		return json.Marshal(struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}{r.ID, r.Name})
	case r.ID != 0:
		return []byte(strconv.FormatInt(r.ID, 10)), nil
	case r.Name != "":
		return json.Marshal(r.Name)
	default:
		return []byte("null"), nil
	}
}

// IsZero reports whether neither id nor name is set.
func (r Ref) IsZero() bool { return r.ID == 0 && r.Name == "" }

func numberToInt(n json.Number) (int64, error) {
	if n == "" {
		return 0, nil
	}
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	f, err := n.Float64()
	if err != nil || f != float64(int64(f)) {
		return 0, fmt.Errorf("%q is not an integer", string(n))
	}
	return int64(f), nil
}

// Text is SOAR rich text: {"format":"text"|"html","content":"..."}. It also
// accepts a plain JSON string (format "text"), which is how some GETs answer.
type Text struct {
	Format  string `json:"format"`
	Content string `json:"content"`
}

// UnmarshalJSON accepts {"format","content"}, a string, or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*t = Text{}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text{Format: "text", Content: s}
		return nil
	default:
		type plain Text
		var p plain
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
		*t = Text(p)
		return nil
	}
}

// EpochMS is a time that travels as epoch milliseconds (SOAR's create_date,
// created, timestamp...). The zero time is written as null.
type EpochMS struct{ time.Time }

// MS wraps t as an EpochMS.
func MS(t time.Time) EpochMS { return EpochMS{t} }

// UnmarshalJSON accepts a number (integer or float) or null.
func (e *EpochMS) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*e = EpochMS{}
		return nil
	}
	ms, err := numberToInt(json.Number(b))
	if err != nil {
		return fmt.Errorf("epoch ms: %w", err)
	}
	*e = EpochMS{time.UnixMilli(ms).UTC()}
	return nil
}

// MarshalJSON writes epoch milliseconds, or null for the zero time.
func (e EpochMS) MarshalJSON() ([]byte, error) {
	if e.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(e.UnixMilli(), 10)), nil
}

// Principal is who triggered a message.
type Principal struct {
	ID          int64  `json:"id"`
	Type        string `json:"type"` // "user", "apikey", ...
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// Property is one name/value pair of an artifact's properties list.
type Property struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}
