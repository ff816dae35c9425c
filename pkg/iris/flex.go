package iris

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// This file holds the lenient scalar decoders shared by the model types:
// Iris sends the same key as a number, a string, "" or null depending on the
// record's age and the endpoint.

// jsonKind reports the kind of the JSON value in data from its first byte.
func jsonKind(data []byte) byte {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 {
		return 0
	}
	switch c := data[0]; {
	case c == '"', c == '{', c == '[', c == 'n', c == 't', c == 'f':
		return c
	default:
		return '0'
	}
}

// flexString decodes a JSON string, number, bool or null as text.
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	switch jsonKind(data) {
	case '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case 'n':
		*s = ""
	case '0', 't', 'f':
		*s = flexString(bytes.TrimSpace(data))
	default:
		return fmt.Errorf("iris: expected a scalar value, got %.20s", data)
	}
	return nil
}

// parseFlexInt decodes a JSON number, a numeric string, "" or null as an int.
// ok is false for "", null and blank strings.
func parseFlexInt(data []byte) (n int, ok bool, err error) {
	switch jsonKind(data) {
	case 'n':
		return 0, false, nil
	case '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return 0, false, err
		}
		v = string(bytes.TrimSpace([]byte(v)))
		if v == "" {
			return 0, false, nil
		}
		n, err := parseNumber(v)
		return n, err == nil, err
	case '0':
		n, err := parseNumber(string(bytes.TrimSpace(data)))
		return n, err == nil, err
	default:
		return 0, false, fmt.Errorf("iris: expected a number, got %.20s", data)
	}
}

func parseNumber(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 || f != math.Trunc(f) {
		return 0, fmt.Errorf("iris: %q is not an integer", s)
	}
	return int(f), nil
}

// flexCount is a pivot count that remembers whether the key was present
// (Enrich sends {value} without count).
type flexCount struct {
	n   int
	set bool
}

func (c *flexCount) UnmarshalJSON(data []byte) error {
	n, _, err := parseFlexInt(data)
	if err != nil {
		return err
	}
	c.n, c.set = n, true
	return nil
}

// flexInt is an int that also accepts numeric strings, "" and null (as 0).
type flexInt int

func (i *flexInt) UnmarshalJSON(data []byte) error {
	n, _, err := parseFlexInt(data)
	if err != nil {
		return err
	}
	*i = flexInt(n)
	return nil
}
