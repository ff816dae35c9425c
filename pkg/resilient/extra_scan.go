package resilient

import (
	"encoding/json"
	"fmt"
)

// unknownKeys returns the top-level keys of the JSON object b that known
// does not hold, with their values as they appear in b (copied): what
// decoding b into a map[string]json.RawMessage and dropping the known keys
// gives (a repeated key: the last one wins), in one pass that decodes
// nothing but the keys. b must be valid JSON (decodeWithExtra has decoded
// it already); anything but an object gives nil.
func unknownKeys(b []byte, known map[string]bool) (Extra, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, nil
	}
	var out Extra
	i++
	for {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == '}' {
			return out, nil
		}
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) || b[i] != '"' {
			return nil, fmt.Errorf("scan object: key expected at offset %d", i)
		}
		end := skipString(b, i)
		key, err := keyOf(b[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("scan object: ':' expected at offset %d", i)
		}
		i = skipSpace(b, i+1)
		start := i
		i = skipValue(b, i)
		if !known[key] {
			if out == nil {
				out = Extra{}
			}
			out[key] = append(json.RawMessage(nil), b[start:i]...)
		}
	}
}

// keyOf decodes a quoted key; only one with an escape needs encoding/json.
func keyOf(q []byte) (string, error) {
	for _, c := range q[1 : len(q)-1] {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(q, &s); err != nil {
				return "", fmt.Errorf("scan object: key: %w", err)
			}
			return s, nil
		}
	}
	return string(q[1 : len(q)-1]), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the offset just past the string starting at b[i] ('"').
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the offset just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}
