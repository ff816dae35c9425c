package enricher

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestFunctionsEndToEnd(t *testing.T) {
	t.Parallel()
	h := setup(t)
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")

	// Profile first: its dt_iris_data feeds format, as the seed's workflow does.
	prof := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	h.publish(prof)
	msgs := replies.Take(2, waitBound)
	r0, a0 := replyOf(t, msgs[0])
	r1, a1 := replyOf(t, msgs[1])
	if r0.Seq != 0 || r0.Final || a0.Complete || a0.Message != "irisflow: profiling int-chase.com" {
		t.Errorf("first reply = seq %d final %v %+v, want the status", r0.Seq, r0.Final, a0)
	}
	if r1.Seq != 1 || !r1.Final || !a1.Complete || a1.MessageType != resilient.MessageInfo {
		t.Fatalf("second reply = seq %d final %v %+v, want the final result", r1.Seq, r1.Final, a1)
	}
	pc := content(t, a1)
	if got := strings.Join(slices.Sorted(maps.Keys(pc)), ","); got != "cache_age_seconds,cached,domain,dt_iris_data,fetched_at,found,risk_score" {
		t.Errorf("profile content keys = %s", got)
	}
	if pc["domain"] != "int-chase.com" || pc["found"] != true || pc["cached"] != false {
		t.Errorf("profile content = %v", pc)
	}
	p, _ := a1.Payload()
	if p.Inputs["dt_domain_name"] != "int-chase.com" || p.Metrics.Package != "irisflow" || !p.Success {
		t.Errorf("payload inputs %v metrics %+v success %v", p.Inputs, p.Metrics, p.Success)
	}
	irisData := pc["dt_iris_data"].(string)

	tests := []struct {
		name   string
		kind   flow.Kind
		inputs map[string]any
		check  func(t *testing.T, c map[string]any)
	}{
		{"format from dt_iris_data", flow.KindFormat, map[string]any{
			"incident_id": 4206, "dt_iris_data_in": irisData, "dt_format_type": map[string]any{"id": 1, "name": "JSON"},
			"dt_format_options": []any{map[string]any{"id": 1, "name": "Analytics"}, map[string]any{"id": 4, "name": "Hosting"}},
		}, func(t *testing.T, c map[string]any) {
			for _, col := range seed.Columns {
				if _, ok := c[col.Label]; !ok {
					t.Errorf("label %q missing", col.Label)
				}
			}
			if c["Domain Name"] != "int-chase.com" || c["found"] != true || c["Registrant Name"] != "" {
				t.Errorf("format content = %v", c)
			}
			if c["Overall Risk Score"] == "" || c["IP Addresses"] == "" {
				t.Errorf("selected groups not filled: %v", c)
			}
		}},
		{"format not found", flow.KindFormat, map[string]any{
			"incident_id": 4206, "dt_iris_data_in": `{"results":[]}`, "dt_domain_name": "nothing-here-irisflow.com",
			"dt_format_options": map[string]any{"id": 1, "name": "Identity"},
		}, func(t *testing.T, c map[string]any) {
			if c["found"] != false || c["Domain Name"] != "nothing-here-irisflow.com" || c["Registrant Name"] != "" {
				t.Errorf("format content = %v", c)
			}
		}},
		{"risk by domain", flow.KindRisk, map[string]any{"dt_domain_name": "int-suntrust.com"},
			func(t *testing.T, c map[string]any) {
				if c["domain"] != "int-suntrust.com" || c["high_risk"] != true || c["threshold"] != json.Number("90") ||
					c["risk_score"] != json.Number("100") {
					t.Errorf("risk content = %v", c)
				}
			}},
		{"risk with threshold from data", flow.KindRisk, map[string]any{"dt_iris_data_in": irisData, "dt_risk_threshold": 95},
			func(t *testing.T, c map[string]any) {
				if c["domain"] != "int-chase.com" || c["high_risk"] != false || c["threshold"] != json.Number("95") {
					t.Errorf("risk content = %v", c)
				}
			}},
		{"tags", flow.KindTags, map[string]any{"dt_domain_name": "int-chase.com", "dt_tags": "Phishing, nope"},
			func(t *testing.T, c map[string]any) {
				if c["tagged"] != true || !slices.Contains(c["matched"].([]any), any("phishing")) || len(c["matched"].([]any)) != 1 {
					t.Errorf("tags content = %v", c)
				}
			}},
		{"tags none matched", flow.KindTags, map[string]any{"dt_domain_name": "domaintools.com",
			"dt_tags": []any{map[string]any{"id": 1, "name": "malware"}}},
			func(t *testing.T, c map[string]any) {
				if c["tagged"] != false || len(c["matched"].([]any)) != 0 {
					t.Errorf("tags content = %v", c)
				}
			}},
	}
	invs := make([]*flow.Invocation, len(tests))
	for i, tc := range tests {
		invs[i] = h.function(tc.kind, tc.inputs)
	}
	h.publish(invs...)
	finals := h.finals(replies, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := finals[invs[i].ID]
			if a.MessageType != resilient.MessageInfo {
				t.Fatalf("final reply is an error: %s", a.Message)
			}
			tc.check(t, content(t, a))
		})
	}
	// Format named the incident: pivots on it now count int-chase.com as known.
	d, ok, err := h.store.IncidentDomain(context.Background(), testOrg, 4206, "int-chase.com")
	if err != nil || !ok || d.Origin != store.OriginAnalyst || d.Depth != 0 {
		t.Fatalf("format with incident_id did not record the domain on the incident: %+v %v %v", d, ok, err)
	}
}

func TestBadInputIsDeadLetteredWithErrorReply(t *testing.T) {
	t.Parallel()
	h := setup(t)
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	dlq := h.collect(flow.StreamDLQ, "dlq.>", "test-dlq")
	long := strings.Repeat("a", 64) + ".com"
	tests := []struct {
		name, kind string
		inputs     map[string]any
		want       string
	}{
		{"ip", "profile", map[string]any{"dt_domain_name": "192.0.2.7"}, `"192.0.2.7"`},
		{"garbage", "profile", map[string]any{"dt_domain_name": "not a domain!!"}, `"not a domain!!"`},
		{"long label", "risk", map[string]any{"dt_domain_name": long}, long},
		{"missing input", "profile", map[string]any{}, "dt_domain_name"},
		{"not iris data", "format", map[string]any{"dt_iris_data_in": "hello"}, "dt_iris_data_in"},
		{"bad format option", "format", map[string]any{"dt_domain_name": "int-chase.com", "dt_format_options": "Hostingg"}, "Hostingg"},
	}
	invs := make([]*flow.Invocation, len(tests))
	for i, tc := range tests {
		invs[i] = h.function(flow.Kind(tc.kind), tc.inputs)
	}
	h.publish(invs...)
	finals := h.finals(replies, len(tests))
	for i, tc := range tests {
		a := finals[invs[i].ID]
		if a.MessageType != resilient.MessageError || !a.Complete || !strings.HasPrefix(a.Message, "irisflow: ") ||
			!strings.Contains(a.Message, tc.want) {
			t.Errorf("%s: final reply type %d %q, want an error naming %s", tc.name, a.MessageType, a.Message, tc.want)
		}
	}
	dead := map[string]string{}
	for _, m := range dlq.Take(len(tests), waitBound) {
		var dl flow.DeadLetter
		if err := json.Unmarshal(m, &dl); err != nil {
			t.Fatal(err)
		}
		dead[dl.ID] = dl.Reason
	}
	for i, tc := range tests {
		if reason, ok := dead[invs[i].ID]; !ok || !strings.Contains(reason, tc.want) {
			t.Errorf("%s: dead letter reason %q (present %v)", tc.name, reason, ok)
		}
	}
	// The service keeps running.
	good := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-suntrust.com"})
	h.publish(good)
	if a := h.finals(replies, 1)[good.ID]; a == nil || a.MessageType != resilient.MessageInfo {
		t.Errorf("good message after bad ones: %+v", a)
	}
}

func TestIrisAuthErrorRepliesAndUnreadies(t *testing.T) {
	t.Parallel()
	h := setup(t, func(o *options) { o.irisKey = "wrong-key" })
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	testenv.EventuallyWithin(t, waitBound, "ready", h.consuming)
	inv := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	h.publish(inv)
	a := h.finals(replies, 1)[inv.ID]
	if a.MessageType != resilient.MessageError || !strings.Contains(a.Message, "credentials") {
		t.Errorf("reply = %+v, want an error about the credentials", a)
	}
	if ok, st := h.ready.Ready(); ok {
		t.Errorf("still ready after an auth failure: %v", st)
	}
}

func TestIris503IsRetriedNotFailed(t *testing.T) {
	t.Parallel()
	h := setup(t, func(o *options) { o.sim.PerMinute = 1 })
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	first := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-chase.com"})
	h.publish(first)
	h.finals(replies, 1)
	// The quota of this calendar minute is spent: Iris answers 503 until the
	// next minute, and the message is redelivered with backoff meanwhile.
	second := h.function(flow.KindProfile, map[string]any{"dt_domain_name": "int-suntrust.com"})
	h.publish(second)
	deadline := time.Now().Add(100 * time.Second)
	var got *resilient.Ack
	for got == nil && time.Now().Before(deadline) {
		for _, m := range replies.Fetch(10, 500*time.Millisecond) {
			if r, a := replyOf(t, m.Data()); r.Final && r.InvocationID == second.ID {
				got = a
			}
		}
	}
	if got == nil {
		t.Fatal("no final reply within 100s")
	}
	if got.MessageType != resilient.MessageInfo || content(t, got)["found"] != true {
		t.Errorf("final reply = %+v, want the profile", got)
	}
	if c := h.sim.Counters(); c.Errors503 == 0 {
		t.Errorf("the simulator answered no 503 (counters %+v): the test did not exercise the retry", c)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	h := setup(t)
	testenv.EventuallyWithin(t, waitBound, "ready", h.consuming)
	h.stop() // fails the test unless Run returns nil soon after its cancel
	if ok, _ := h.ready.Ready(); ok {
		t.Error("still ready after Run returned")
	}
}

func TestConfigRequiresDependencies(t *testing.T) {
	t.Parallel()
	err := Run(context.Background(), Config{})
	for _, want := range []string{"JS", "Store", "Iris"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run(empty config) = %v, want an error naming %s", err, want)
		}
	}
}
