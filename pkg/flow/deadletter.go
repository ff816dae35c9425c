package flow

import (
	"errors"

	"github.com/nats-io/nats.go"
)

// TooLarge reports whether err is NATS refusing a message over the
// server's max payload: retrying it can never succeed.
func TooLarge(err error) bool { return errors.Is(err, nats.ErrMaxPayload) }

// MaxPayload is the server's max payload on p's connection (1 MiB by
// default), or 1 MiB when it is not known.
func (p Publisher) MaxPayload() int {
	if nc := p.JS.Conn(); nc != nil {
		if n := nc.MaxPayload(); n > 0 {
			return int(n)
		}
	}
	return 1 << 20
}

// Bounds of the text fields of a dead letter cut to fit (see Fit).
const (
	maxReason      = 8 << 10
	maxHeaderValue = 1 << 10
	truncMarker    = "… (truncated)"
)

// Fit cuts m to fit in limit bytes once encoded: the reason and header
// values to bounded prefixes, Data to what room is left. TruncatedFrom
// records Data's original size, the marker that the record is not whole.
func (m *DeadLetter) Fit(limit int) {
	m.Reason = clip(m.Reason, maxReason)
	if m.Headers != nil {
		h := make(map[string]string, len(m.Headers))
		for k, v := range m.Headers {
			h[clip(k, maxHeaderValue)] = clip(v, maxHeaderValue)
		}
		m.Headers = h
	}
	data := m.Data
	m.Data = nil
	base, err := Encode(m)
	room := 0
	if err == nil {
		room = (limit - len(base) - 1024) * 3 / 4 // Data is base64 in JSON
	}
	room = max(room, 0)
	if len(data) > room {
		m.TruncatedFrom = len(data)
		data = data[:room]
	}
	m.Data = data
}

// clip cuts s to at most n bytes plus the marker, on a UTF-8 boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + truncMarker
}
