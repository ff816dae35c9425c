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
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrNotDomain is returned (wrapped, naming the value) for input that is not
// a domain name: an IP address, an over-long label, garbage.
var ErrNotDomain = errors.New("not a domain name")

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
		return Name{}, fmt.Errorf("%w: empty value", ErrNotDomain)
	}
	if !utf8.ValidString(s) {
		return Name{}, fmt.Errorf("%w: %q is not valid UTF-8", ErrNotDomain, raw)
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
			return Name{}, fmt.Errorf("%w: %q is a URL without a host", ErrNotDomain, raw)
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
		return Name{}, fmt.Errorf("%w: %q is an IP address", ErrNotDomain, raw)
	}
	ascii, err := profile.ToASCII(s)
	if err != nil {
		return Name{}, fmt.Errorf("%w: %q: %v", ErrNotDomain, raw, err)
	}
	ascii = strings.ToLower(ascii)
	if err := check(ascii); err != nil {
		return Name{}, fmt.Errorf("%w: %q %v", ErrNotDomain, raw, err)
	}
	uni, err := profile.ToUnicode(ascii)
	if err != nil {
		return Name{}, fmt.Errorf("%w: %q has an invalid international label: %v", ErrNotDomain, raw, err)
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
