package iris

import (
	"strconv"
	"unicode/utf8"
)

// fastAttr parses the common shape {"value": <string|number|null>, "count":
// <number|null>} (keys in any order, either optional) without reflection.
// ok is false for anything else (escapes, other keys, odd values), and the
// caller falls back to encoding/json; the two paths agree (see the fuzz
// test FuzzAttrFastPath).
func fastAttr(data []byte) (value string, valueIsNum bool, count int, hasCount, ok bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", false, 0, false, false
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return "", false, 0, false, skipWS(data, i+1) == len(data)
	}
	seenValue := false
	for {
		key, j, good := fastString(data, i)
		if !good {
			return "", false, 0, false, false
		}
		i = skipWS(data, j)
		if i >= len(data) || data[i] != ':' {
			return "", false, 0, false, false
		}
		i = skipWS(data, i+1)
		if i >= len(data) {
			return "", false, 0, false, false
		}
		switch key {
		case "value":
			if seenValue {
				return "", false, 0, false, false
			}
			seenValue = true
			switch c := data[i]; {
			case c == '"':
				s, j, good := fastString(data, i)
				if !good {
					return "", false, 0, false, false
				}
				value, i = s, j
			case c == 'n':
				if !hasPrefixAt(data, i, "null") {
					return "", false, 0, false, false
				}
				value, i = "", i+4
			case c == '-' || (c >= '0' && c <= '9'):
				j := numberEnd(data, i)
				if !jsonNumber(data[i:j]) {
					return "", false, 0, false, false
				}
				if _, err := strconv.ParseFloat(string(data[i:j]), 64); err != nil {
					return "", false, 0, false, false
				}
				value, valueIsNum, i = string(data[i:j]), true, j
			default:
				return "", false, 0, false, false
			}
		case "count":
			if hasCount {
				return "", false, 0, false, false
			}
			hasCount = true
			switch c := data[i]; {
			case c == 'n':
				if !hasPrefixAt(data, i, "null") {
					return "", false, 0, false, false
				}
				count, i = 0, i+4
			case c == '-' || (c >= '0' && c <= '9'):
				j := numberEnd(data, i)
				if !jsonNumber(data[i:j]) {
					return "", false, 0, false, false
				}
				n, err := strconv.Atoi(string(data[i:j]))
				if err != nil {
					return "", false, 0, false, false
				}
				count, i = n, j
			default:
				return "", false, 0, false, false
			}
		default:
			return "", false, 0, false, false
		}
		i = skipWS(data, i)
		if i >= len(data) {
			return "", false, 0, false, false
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return value, valueIsNum, count, hasCount, skipWS(data, i+1) == len(data)
		default:
			return "", false, 0, false, false
		}
	}
}

func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// fastString reads a JSON string starting at data[i] == '"' that has no
// escapes, no control characters and valid UTF-8.
func fastString(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", i, false
	}
	ascii := true
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			s := data[i+1 : j]
			if !ascii && !utf8.Valid(s) {
				return "", i, false
			}
			return string(s), j + 1, true
		case c == '\\' || c < 0x20:
			return "", i, false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", i, false
}

// numberEnd returns the end of a JSON number-ish token starting at i.
func numberEnd(data []byte, i int) int {
	j := i
	for j < len(data) {
		c := data[j]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			j++
			continue
		}
		break
	}
	return j
}

// jsonNumber reports whether b is a number as JSON spells it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. strconv alone accepts
// more ("01", "1.", "1.e5"), which encoding/json refuses.
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

func hasPrefixAt(data []byte, i int, p string) bool {
	return len(data)-i >= len(p) && string(data[i:i+len(p)]) == p
}
