package pivot_test

import (
	"encoding/json"
	"testing"

	"github.com/irisflow/irisflow/pkg/pivot"
)

func TestDiscoverOutput(t *testing.T) {
	t.Parallel()
	ps := []pivot.Pivot{
		{Type: "ssl_email", Value: "ops@evil.test", Count: 6, Field: "ssl_email[0]"},
		{Type: "email", Value: "ops@evil.test", Count: 14, Field: "registrant_contact.email[0]"},
		{Type: "ip", Value: "192.0.2.1", Count: 3, Field: "ip[0].address"},
	}
	b, err := json.Marshal(pivot.DiscoverOutput(ps, 300))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"dt_pivot_data":{"192.0.2.1":3,"ops@evil.test":14},"pivots":[` +
		`{"type":"ssl_email","value":"ops@evil.test","count":6},` +
		`{"type":"email","value":"ops@evil.test","count":14},` +
		`{"type":"ip","value":"192.0.2.1","count":3}],"threshold":300}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(pivot.DiscoverOutput(nil, 300))
	if string(b) != `{"dt_pivot_data":{},"pivots":[],"threshold":300}` {
		t.Errorf("empty output: %s", b)
	}
}
