package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/domain"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, ascii, unicode string }{
		{"int-chase.com", "int-chase.com", "int-chase.com"},
		{"  Int-Chase.COM. ", "int-chase.com", "int-chase.com"},
		{"https://icloud.com-asia.info/login?x=1", "icloud.com-asia.info", "icloud.com-asia.info"},
		{"hxxps://evil[.]example[.]com/a", "evil.example.com", "evil.example.com"},
		{"phish@equifaxbreachsettlement.com", "equifaxbreachsettlement.com", "equifaxbreachsettlement.com"},
		{"Support <help@Example.org>", "example.org", "example.org"},
		{"bücher.de", "xn--bcher-kva.de", "bücher.de"},
		{"xn--bcher-kva.de", "xn--bcher-kva.de", "bücher.de"},
		{"example.com:8443", "example.com", "example.com"},
		{"example.com/path", "example.com", "example.com"},
		{"_dmarc.example.com", "_dmarc.example.com", "_dmarc.example.com"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			n, err := domain.Normalize(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if n.ASCII != c.ascii || n.Unicode != c.unicode {
				t.Fatalf("Normalize(%q) = %+v, want %s / %s", c.in, n, c.ascii, c.unicode)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "   ", "1.2.3.4", "[2001:db8::1]", "2001:db8::1", "localhost", "http:///nohost",
		strings.Repeat("a", 64) + ".com", strings.Repeat("abcdefghi.", 26) + "com",
		"-bad.com", "bad-.com", "a..b.com", "exa mple.com", "ex!ample.com", "example.123", "<script>",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			_, err := domain.Normalize(in)
			if !errors.Is(err, domain.ErrNotDomain) {
				t.Fatalf("Normalize(%q) = %v, want ErrNotDomain", in, err)
			}
			if in != "" && strings.TrimSpace(in) != "" && !strings.Contains(err.Error(), strings.TrimSpace(in)[:1]) {
				t.Fatalf("error must name the value: %v", err)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"int-chase.com", "https://a.b/c", "1.2.3.4", "bücher.de", "a@b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := domain.Normalize(s)
		if err != nil {
			return
		}
		again, err := domain.Normalize(n.ASCII)
		if err != nil || again.ASCII != n.ASCII {
			t.Fatalf("normalising %q is not idempotent: %q -> %+v, %v", s, n.ASCII, again, err)
		}
	})
}

// An error names the value once, bounded whatever the value's size (a 600 KiB
// value used to be echoed in full, twice, and its dead letter outgrew NATS's
// payload limit), and says why in words.
func TestNormalizeErrorsAreBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"10.0.0.1", `"10.0.0.1" is not a domain name: it is an IP address`},
		{"localhost", `"localhost" is not a domain name: it has no top-level domain`},
		{"  ", `an empty value is not a domain name`},
		{strings.Repeat("é", 140) + ".x y", `"` + strings.Repeat("é", 128) + `"… (284 bytes) is not a domain name: `},
		{strings.Repeat("a", 600<<10), `"` + strings.Repeat("a", 256) + `"… (614400 bytes) is not a domain name: it is longer than 253 characters`},
	}
	for _, tt := range tests {
		_, err := domain.Normalize(tt.in)
		var de *domain.Error
		if !errors.As(err, &de) || !errors.Is(err, domain.ErrNotDomain) {
			t.Fatalf("Normalize(%.20q) = %v, want a *domain.Error", tt.in, err)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || len(msg) > 400 || strings.Count(msg, "not a domain name") != 1 {
			t.Errorf("Normalize(%.20q) error = %.200q, want it to start %q, once, under 400 bytes", tt.in, msg, tt.want)
		}
		if len(de.Value) > 256 {
			t.Errorf("Error.Value keeps %d bytes, want at most 256", len(de.Value))
		}
	}
}
