package pivoter

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/pivot"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	irissim "github.com/irisflow/irisflow/sim/iris"
)

func TestDiscoverFunction(t *testing.T) {
	t.Parallel()
	e := running(t, irissim.Config{})
	// Universe domains: every pivot's count is the size of its search.
	for i, c := range e.sim.Clusters()[:12] {
		raw, ok := e.sim.Domain(c.Domains[0])
		if !ok {
			t.Fatalf("%s not served", c.Domains[0])
		}
		id := fmt.Sprintf("disc-%d", i)
		e.call(t, id, "domaintools_discover_actionable_pivots", 0, map[string]any{
			"dt_iris_data_in": `{"results":[` + string(raw) + `]}`,
		})
		var out pivot.Output
		content(t, payload(t, e.finalReply(t, id)), &out)
		if out.Threshold != 300 || len(out.Pivots) == 0 {
			t.Fatalf("%s: %+v", c.Domains[0], out)
		}
		for _, p := range out.Pivots {
			if p.Count <= 1 || p.Count >= 300 {
				t.Errorf("%s: pivot %+v outside 1 < count < 300", c.Domains[0], p)
			}
			if n := len(e.sim.Matching(p.Type, p.Value)); n != p.Count {
				t.Errorf("%s: pivot %+v, but the search finds %d", c.Domains[0], p, n)
			}
			if out.PivotData[p.Value] < p.Count {
				t.Errorf("dt_pivot_data[%q] = %d < %d", p.Value, out.PivotData[p.Value], p.Count)
			}
		}
	}
	// Not Iris data: an error reply and a dead letter.
	e.call(t, "disc-bad", "domaintools_discover_actionable_pivots", 0, map[string]any{"dt_iris_data_in": "hello"})
	if ack := e.finalReply(t, "disc-bad"); ack.MessageType != resilient.MessageError || !strings.Contains(ack.Message, "dt_iris_data_in") {
		t.Errorf("bad input reply: %+v", ack)
	}
	// The recorded int-chase profile, as the seed's workflow passes it, at
	// 500 (skipped, alone, where the recordings are absent).
	t.Run("recorded int-chase", func(t *testing.T) {
		fixture, err := os.ReadFile(filepath.Join(testenv.IrisFixtures(t), "python_api_iris_investigate_int_chase_result.json"))
		if err != nil {
			t.Fatal(err)
		}
		e.call(t, "disc-fixture", "domaintools_discover_actionable_pivots", 0, map[string]any{
			"dt_iris_data_in": string(fixture), "dt_pivot_count": 500,
		})
		var out pivot.Output
		content(t, payload(t, e.finalReply(t, "disc-fixture")), &out)
		want := []pivot.TypedPivot{{Type: "redirect_domain", Value: "chase.com", Count: 453}}
		if len(out.Pivots) != 1 || out.Pivots[0] != want[0] || out.PivotData["chase.com"] != 453 || out.Threshold != 500 {
			t.Errorf("int-chase at 500: %+v", out)
		}
	})
}

func TestDiscoverAllMergesTypes(t *testing.T) {
	t.Parallel()
	a := &iris.Result{SSLEmail: iris.Attrs{{Value: "x@evil.test", Count: 5}}, IP: []iris.IP{{Address: iris.Attr{Value: "192.0.2.1", Count: 3}}}}
	b := &iris.Result{RegistrantContact: iris.Contact{Email: iris.Attrs{{Value: "x@evil.test", Count: 9}}}, IP: []iris.IP{{Address: iris.Attr{Value: "192.0.2.1", Count: 4}}}}
	c := &iris.Result{SSLEmail: iris.Attrs{{Value: "X@Evil.Test", Count: 6}}}
	got := discoverAll([]*iris.Result{a, b, c}, 300)
	want := []pivot.Pivot{
		{Type: "ip", Value: "192.0.2.1", Count: 4, Field: "ip[0].address"},
		{Type: "ssl_email", Value: "x@evil.test", Count: 6, Field: "ssl_email[0]"},
		{Type: "email", Value: "x@evil.test", Count: 9, Field: "registrant_contact.email[0]"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pivot %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	if _, err := newPivoter(Config{AutoTypes: []string{"asn"}}); err == nil ||
		!strings.Contains(err.Error(), "JS is required") || !strings.Contains(err.Error(), `unknown pivot type "asn"`) {
		t.Errorf("bad config: %v", err)
	}
}
