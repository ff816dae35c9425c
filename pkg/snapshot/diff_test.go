package snapshot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/snapshot"
	"github.com/irisflow/irisflow/pkg/store"
)

func profile(at time.Time, risk int, tags []string, raw string) store.Profile {
	return store.Profile{Domain: "int-chase.com", FetchedAt: at, Source: store.SourceInvestigate, Found: true,
		RiskScore: &risk, Tags: tags, Raw: json.RawMessage(raw)}
}

func TestChangesBetweenSnapshots(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	old := profile(t0, 40, nil, `{"ip":[{"address":{"value":"10.0.0.1","count":3}}],
		"name_server":[{"host":{"value":"NS1.example.net","count":9}}]}`)
	mid := profile(t0.Add(time.Hour), 40, nil, `{"ip":[{"address":{"value":"10.0.0.1","count":3}}],
		"name_server":[{"host":{"value":"ns1.example.net","count":9}}]}`)
	neu := profile(t0.Add(2*time.Hour), 92, []string{"phishing"}, `{"ip":[{"address":{"value":"45.77.148.62","count":12}}],
		"name_server":[{"host":{"value":"ns1.example.net"}}],"soa_email":[{"value":"a@b.example","count":1}]}`)
	gone := store.Profile{Domain: "int-chase.com", FetchedAt: t0.Add(3 * time.Hour), Source: store.SourceInvestigate}

	steps, err := snapshot.Changes([]store.Profile{gone, neu, mid, old})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 4 {
		t.Fatalf("%d steps", len(steps))
	}
	text := func(cs []snapshot.Change) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.String())
		}
		return strings.Join(out, "; ")
	}
	for i, want := range []string{
		"found in Iris → not in Iris",
		"risk 40 → 92; tags +phishing; IP +45.77.148.62 -10.0.0.1; e-mail +a@b.example",
		"", // only the case of the name server changed: values are compared lower-cased
		"", // the oldest has nothing to compare with
	} {
		if got := text(steps[i].Changes); got != want {
			t.Errorf("step %d changes = %q, want %q", i, got, want)
		}
	}
	if v := steps[1].Facets.Values; len(v) != 3 || v[0] != (snapshot.Value{Kind: "ip", Value: "45.77.148.62", Count: 12}) {
		t.Errorf("values = %+v", v)
	}
}

func TestOfRefusesBrokenRaw(t *testing.T) {
	t.Parallel()
	p := profile(time.Now(), 1, nil, `{"ip":"not a list"`)
	if _, err := snapshot.Of(p); err == nil || !strings.Contains(err.Error(), "int-chase.com") {
		t.Fatalf("err = %v, want a decode error naming the domain", err)
	}
}
