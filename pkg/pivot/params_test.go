package pivot_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/pivot"
)

func TestParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, want string
	}{
		{"ip", "ip"},
		{"ip_address", "ip"},
		{"email", "email"},
		{"nameserver_hspot", "nameserver_host"},
		{"registrant_orf", "registrant_org"},
		{"mailserver_hspot", "mailserver_host"},
		{"ssl_dhash", "ssl_hash"},
		{"  SSL Hash ", "ssl_hash"},
		{"Registrant-Org", "registrant_org"},
		{"tagged_with_any", "tagged_with_any"},
		{"tagged_with_all", "tagged_with_all"},
		{"google_analytics_4", "google_analytics_4"},
		{"email_dns_soa", "email_dns_soa"},
		{"search_hash", "search_hash"},
	}
	for _, tc := range tests {
		got, ok := pivot.Param(tc.typ)
		if !ok || got != tc.want {
			t.Errorf("Param(%q) = %q, %v; want %q", tc.typ, got, ok, tc.want)
		}
	}
	// Every type of the seed's LOV maps to itself.
	for _, typ := range pivot.SeedTypes {
		if got, ok := pivot.Param(typ); !ok || got != typ {
			t.Errorf("seed type %q → %q, %v", typ, got, ok)
		}
	}
	if len(pivot.SeedTypes) != 19 {
		t.Errorf("seed LOV has 19 types, got %d", len(pivot.SeedTypes))
	}
}

func TestResolveUnknown(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"asn", "", "isp_name", "ssl_hashes", "ip;drop"} {
		_, err := pivot.Resolve(typ)
		if !errors.Is(err, pivot.ErrUnknownType) {
			t.Fatalf("Resolve(%q) err = %v, want ErrUnknownType", typ, err)
		}
		if !strings.Contains(err.Error(), `"`+typ+`"`) || !strings.Contains(err.Error(), "ssl_hash") {
			t.Errorf("error should name %q and list the valid types: %v", typ, err)
		}
		if _, ok := pivot.Param(typ); ok {
			t.Errorf("Param(%q) ok", typ)
		}
	}
	if p, err := pivot.Resolve("ssl_dhash"); err != nil || p != "ssl_hash" {
		t.Errorf("Resolve(ssl_dhash) = %q, %v", p, err)
	}
}
