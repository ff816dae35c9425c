package enricher

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/nats-io/nats.go/jetstream"
)

func decodeWrites(t *testing.T, msgs [][]byte) map[string]*flow.WriteCommand {
	t.Helper()
	out := map[string]*flow.WriteCommand{}
	for _, m := range msgs {
		c, err := flow.Decode[flow.WriteCommand](m)
		if err != nil {
			t.Fatal(err)
		}
		out[c.ID] = c
	}
	return out
}

func ids(m map[string]*flow.WriteCommand, prefix string) []string {
	var out []string
	for id := range m {
		out = append(out, strings.TrimPrefix(id, prefix))
	}
	slices.Sort(out)
	return out
}

func TestAutomaticPlaybook(t *testing.T) {
	t.Parallel()
	h := setup(t, func(o *options) {
		o.mutate = func(c *Config) {
			c.Playbook = PlaybookConfig{AutoPivot: true}
			off := false
			c.Orgs = map[int64]PlaybookConfig{202: {Automatic: &off}}
		}
	})
	replies := h.collect(flow.StreamReplies, "reply.>", "test-replies")
	writes := h.collect(flow.StreamWrites, "write.>", "test-writes")
	pivots := h.collect(flow.StreamFN, "fn.*.pivots.auto", "test-pivots")

	tests := []struct {
		name      string
		incident  int64
		value     string
		prepare   func(t *testing.T)
		wantIDs   []string
		wantNotes map[string]string
		pivot     bool
	}{
		{"high risk with tag", 4206, "hxxps://INT-SUNTRUST[.]com/login", nil,
			[]string{"/note/high-risk", "/note/profiled", "/note/tag/phishing", "/row"},
			map[string]string{
				"/note/profiled":     "Performed DomainTools Iris profile of int-suntrust.com",
				"/note/high-risk":    "High Risk domain observed: int-suntrust.com, 100",
				"/note/tag/phishing": "DomainTools Iris tag observed on int-suntrust.com: phishing",
			}, true},
		{"low risk", 4207, "thegreatwatermelonheist.blog", nil,
			[]string{"/note/profiled", "/row"}, nil, true},
		{"not found", 4208, "no-such-domain-irisflow.com", nil,
			[]string{"/note/not-found", "/note/profiled"},
			map[string]string{"/note/not-found": "Domain Not Found: no-such-domain-irisflow.com (DomainTools Iris has no data)"}, false},
		{"found by a pivot: beyond depth", 4209, "equifaxbreachsettlement.com", func(t *testing.T) {
			if _, err := h.store.ClaimIncidentDomains(context.Background(), testOrg, 4209, []store.IncidentDomain{
				{Domain: "equifaxbreachsettlement.com", Depth: 1, Origin: store.OriginPivot}}); err != nil {
				t.Fatal(err)
			}
		}, []string{"/note/profiled", "/row"}, nil, false},
	}
	invs := make([]*flow.Invocation, len(tests))
	for i, tc := range tests {
		if tc.prepare != nil {
			tc.prepare(t)
		}
		invs[i] = h.action(tc.incident, int64(100+i), tc.value)
	}
	h.publish(invs...)
	want := 0
	for _, tc := range tests {
		want += len(tc.wantIDs)
	}
	got := decodeWrites(t, writes.Take(want, waitBound))
	// The acknowledgement is final only once the writes have landed: it
	// rides on every write command, for the writer to send (no writer runs
	// here), and nothing final is sent now.
	finals := map[string]*resilient.Ack{}
	for _, c := range got {
		if c.Final == nil || c.Final.Seq != 1 {
			t.Fatalf("command %s holds no final reply", c.ID)
		}
		var mine []string
		for id := range got {
			if strings.HasPrefix(id, c.InvocationID+"/") {
				mine = append(mine, id)
			}
		}
		if held := slices.Sorted(slices.Values(c.Final.Writes)); !slices.Equal(held, slices.Sorted(slices.Values(mine))) {
			t.Errorf("command %s: final held for %v, want the invocation's writes %v", c.ID, held, mine)
		}
		a, err := resilient.DecodeReply(c.Final.Message)
		if err != nil {
			t.Fatal(err)
		}
		finals[c.InvocationID] = a
	}
	if len(finals) != len(tests) {
		t.Fatalf("final replies held for %d invocations, want %d", len(finals), len(tests))
	}
	replies.None(500 * time.Millisecond)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := invs[i]
			a := finals[inv.ID]
			if a.MessageType != resilient.MessageInfo || !a.Complete || !strings.HasPrefix(a.Message, "irisflow: ") {
				t.Errorf("action ack = %+v", a)
			}
			mine := map[string]*flow.WriteCommand{}
			for id, c := range got {
				if strings.HasPrefix(id, inv.ID+"/") {
					mine[id] = c
				}
			}
			if g := ids(mine, inv.ID); !slices.Equal(g, tc.wantIDs) {
				t.Fatalf("write ids %v, want %v", g, tc.wantIDs)
			}
			for suffix, text := range tc.wantNotes {
				if c := mine[inv.ID+suffix]; c.Note == nil || c.Note.Content != text {
					t.Errorf("%s note = %+v, want %q", suffix, c.Note, text)
				}
			}
			for _, c := range mine {
				if c.IncidentID != tc.incident || c.Org != testOrg || c.Reply == nil || c.Reply.ReplyTo == "" || c.InvocationID != inv.ID {
					t.Errorf("command %s: incident %d org %d reply %+v", c.ID, c.IncidentID, c.Org, c.Reply)
				}
			}
			if row := mine[inv.ID+"/row"]; row != nil {
				if row.Row.Table != seed.TableName || len(row.Row.Cells) != 32 || row.Row.Cells["domain_name"] == "" {
					t.Errorf("row = %+v", row.Row)
				}
			}
		})
	}
	// Auto-pivot: one invocation per playbook that found data at depth 0.
	wantPivots := 0
	for _, tc := range tests {
		if tc.pivot {
			wantPivots++
		}
	}
	pv := map[string]*flow.Invocation{}
	for _, m := range pivots.Take(wantPivots, waitBound) {
		inv, err := flow.Decode[flow.Invocation](m)
		if err != nil {
			t.Fatal(err)
		}
		pv[inv.ID] = inv
	}
	pivots.None(500 * time.Millisecond)
	for i, tc := range tests {
		p, ok := pv[invs[i].ID+"/autopivot"]
		if ok != tc.pivot {
			t.Errorf("%s: auto-pivot published %v, want %v", tc.name, ok, tc.pivot)
			continue
		}
		if !ok {
			continue
		}
		var body flow.AutoPivot
		if err := json.Unmarshal(p.Body, &body); err != nil {
			t.Fatal(err)
		}
		if p.Kind != flow.KindPivotsAuto || p.ParentID != invs[i].ID || p.Payload != flow.PayloadInternal ||
			body.IncidentID != tc.incident || body.Depth != 0 || body.Threshold != 300 ||
			!slices.Equal(body.Types, []string{"ssl_hash", "ip", "email"}) || p.Route.CanReply() {
			t.Errorf("%s: auto-pivot %+v body %+v", tc.name, p, body)
		}
	}
	// The analyst's artifact is recorded on the incident at depth 0; the
	// pivot-found one keeps its record.
	for _, c := range []struct {
		incident int64
		domain   string
		depth    int
		origin   string
	}{{4206, "int-suntrust.com", 0, store.OriginAnalyst}, {4209, "equifaxbreachsettlement.com", 1, store.OriginPivot}} {
		rec, ok, err := h.store.IncidentDomain(context.Background(), testOrg, c.incident, c.domain)
		if err != nil || !ok || rec.Depth != c.depth || rec.Origin != c.origin {
			t.Errorf("incident %d %s: record %+v %v %v", c.incident, c.domain, rec, ok, err)
		}
	}

	// Redelivery of an action (same invocation, new delivery) adds nothing.
	again, err := flow.Encode(invs[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.js.Publish(context.Background(), flow.FNSubject(testOrg, flow.KindAuto), again,
		jetstream.WithMsgID(invs[0].ID+"-redelivered")); err != nil {
		t.Fatal(err)
	}
	dlq := h.collect(flow.StreamDLQ, "dlq.>", "test-dlq")
	testenv.EventuallyWithin(t, waitBound, "redelivered action handled", func() bool {
		return testenv.StreamMsgs(t, h.js, flow.StreamFN) == 0
	})
	writes.None(time.Second)
	dlq.None(100 * time.Millisecond)

	// An org with the playbook off: acknowledged, nothing written.
	off := h.action(4300, 1, "int-chase.com")
	off.Org = 202
	h.publish(off)
	if a := h.finals(replies, 1)[off.ID]; a == nil || !strings.Contains(a.Message, "off") {
		t.Errorf("org 202 ack = %q", a.Message)
	}
	writes.None(500 * time.Millisecond)
}
