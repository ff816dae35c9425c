package irissim

import (
	"strconv"
	"unicode/utf8"
)

// jsonw writes JSON in a fixed key order, which the real service's results
// have and encoding/json cannot give polymorphic fields ("" or an object).
type jsonw struct {
	buf   []byte
	first []bool
}

func (w *jsonw) sep() {
	if n := len(w.first) - 1; n >= 0 {
		if !w.first[n] {
			w.buf = append(w.buf, ',')
		}
		w.first[n] = false
	}
}

// key starts a member (k != "") or an array element (k == "").
func (w *jsonw) key(k string) {
	w.sep()
	if k != "" {
		w.buf = appendJSONString(w.buf, k)
		w.buf = append(w.buf, ':')
	}
}

func (w *jsonw) obj(k string, body func()) {
	w.key(k)
	w.buf = append(w.buf, '{')
	w.first = append(w.first, true)
	body()
	w.first = w.first[:len(w.first)-1]
	w.buf = append(w.buf, '}')
}

func (w *jsonw) arr(k string, body func()) {
	w.key(k)
	w.buf = append(w.buf, '[')
	w.first = append(w.first, true)
	body()
	w.first = w.first[:len(w.first)-1]
	w.buf = append(w.buf, ']')
}

func (w *jsonw) str(k, v string) {
	w.key(k)
	w.buf = appendJSONString(w.buf, v)
}

func (w *jsonw) num(k string, v int64) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

func (w *jsonw) boolean(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

// raw writes an already encoded JSON value.
func (w *jsonw) raw(k string, v []byte) {
	w.key(k)
	w.buf = append(w.buf, v...)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
