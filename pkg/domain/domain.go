// Package domain normalises what analysts put in a DNS Name artifact into the
// domain name Iris is asked about, and rejects what is not a domain with an
// error that names the value.
package domain

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrNotDomain is returned (wrapped, naming the value) for input that is not
// a domain name: an IP address, an over-long label, garbage.
var ErrNotDomain = errors.New("not a domain name")

// Error is what Normalize returns: the value (at most its first 256 bytes)
// and why it is not a domain. It matches ErrNotDomain with errors.Is. Its
// text quotes the value once, bounded (Quote): `"10.0.0.1" is not a domain
// name: it is an IP address`.
type Error struct {
	Value  string // at most the first 256 bytes of the value
	Size   int    // the value's length in bytes
	Reason string
}

func (e *Error) Error() string {
	if e.Value == "" {
		return "an empty value is not a domain name"
	}
	return quote(e.Value, e.Size) + " is not a domain name: " + e.Reason
}

func (e *Error) Unwrap() error { return ErrNotDomain }

// maxQuoted is how much of a value Quote shows: more than the longest
// domain name (253), so every name of a legal length is quoted whole.
const maxQuoted = 256

// Quote returns v quoted for a message: whole when short, else its first
// 256 bytes (cut at a character boundary), "…" and its full length, so that
// an error about a value of any size stays small. Every error that names
// an input value quotes it with Quote.
func Quote(v string) string { return quote(v, len(v)) }

// quote is Quote for v, a prefix of a value of size bytes.
func quote(v string, size int) string {
	if size <= maxQuoted && len(v) == size {
		return strconv.Quote(v)
	}
	cut := min(maxQuoted, len(v))
	for cut > 0 && cut < len(v) && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strconv.Quote(v[:cut]) + "… (" + strconv.Itoa(size) + " bytes)"
}

// notDomain builds the Error for raw.
func notDomain(raw, reason string) error {
	size := len(raw)
	if size > 256 {
		raw = raw[:256]
	}
	return &Error{Value: raw, Size: size, Reason: reason}
}

var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(false), // underscores appear in real DNS names
)

// Name is a normalised domain: ASCII (punycode) lower case without the
// trailing dot, and its Unicode form for display.
type Name struct {
	ASCII   string
	Unicode string
}

func (n Name) String() string { return n.ASCII }

// Normalize turns raw into a domain name:
//   - trims spaces, a trailing dot, and wrapping quotes/brackets;
//   - reduces a URL (https://evil.com/path) to its host and an e-mail
//     address (user@evil.com) to its domain, which is what an analyst means
//     when such a value lands in a DNS Name artifact;
//   - defangs evil[.]com / hxxp://;
//   - lower-cases and converts IDNs to punycode (and back for display).
//
// It fails with ErrNotDomain for IP addresses, single labels, labels over 63
// or names over 253 octets, and characters no domain can hold.
func Normalize(raw string) (Name, error) {
	s := strings.TrimSpace(raw)
	s = strings.Trim(s, `"'<>`)
	s = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".").Replace(s)
	if s == "" {
		return Name{}, notDomain("", "")
	}
	if !utf8.ValidString(s) {
		return Name{}, notDomain(raw, "it is not valid UTF-8")
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "hxxp") {
		s = "http" + s[4:]
		lower = strings.ToLower(s)
	}
	switch {
	case strings.Contains(lower, "://"):
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return Name{}, notDomain(raw, "it is a URL without a host")
		}
		s = u.Hostname()
	case strings.Contains(s, "@"):
		if a, err := mail.ParseAddress(s); err == nil {
			s = a.Address
		}
		s = s[strings.LastIndex(s, "@")+1:]
	case strings.ContainsAny(s, "/?#"):
		// evil.com/login without a scheme
		if u, err := url.Parse("http://" + s); err == nil && u.Hostname() != "" {
			s = u.Hostname()
		}
	}
	s = strings.TrimSuffix(s, ".")
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	if ip := net.ParseIP(strings.Trim(s, "[]")); ip != nil {
		return Name{}, notDomain(raw, "it is an IP address")
	}
	ascii, err := profile.ToASCII(s)
	if err != nil {
		return Name{}, notDomain(raw, err.Error())
	}
	ascii = strings.ToLower(ascii)
	if err := check(ascii); err != nil {
		return Name{}, notDomain(raw, "it "+err.Error())
	}
	uni, err := profile.ToUnicode(ascii)
	if err != nil {
		return Name{}, notDomain(raw, "it has an invalid international label: "+err.Error())
	}
	return Name{ASCII: ascii, Unicode: uni}, nil
}

func check(s string) error {
	if len(s) > 253 {
		return fmt.Errorf("is longer than 253 characters")
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return fmt.Errorf("has no top-level domain")
	}
	for _, l := range labels {
		switch {
		case l == "":
			return fmt.Errorf("has an empty label")
		case len(l) > 63:
			return fmt.Errorf("has a label longer than 63 characters")
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Errorf("has a label that starts or ends with a hyphen")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("has the character %q", c)
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return fmt.Errorf("has a numeric top-level domain")
	}
	return nil
}
