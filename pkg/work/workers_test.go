package work_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/pkg/work"
)

// echo answers a function call with its dt_domain_name, after a status and
// one note; "too-big.com" answers success false.
type echo struct{}

type echoOut struct {
	Domain string `json:"domain"`
	reason string
}

func (o echoOut) Unsuccessful() string { return o.reason }

func (echo) Inputs(m *work.Message) (string, error) {
	in, err := m.Inputs()
	if err != nil {
		return "", err
	}
	d, _ := in.String("dt_domain_name")
	if d == "" {
		return "", work.BadInput("dt_domain_name is required")
	}
	return d, nil
}

func (echo) Work(ctx context.Context, c *work.Call[string]) (echoOut, error) {
	c.Status(ctx, "irisflow: echoing "+c.In)
	c.Write(&flow.WriteCommand{ID: c.Invocation.ID + "/note", IncidentID: 4206, Kind: flow.WriteNote,
		Note: &flow.Note{Format: "text", Content: "echo " + c.In}})
	out := echoOut{Domain: c.In}
	if c.In == "too-big.com" {
		out.reason = "too big"
	}
	return out, nil
}

func call(t *testing.T, id string, inputs string) *flow.Invocation {
	t.Helper()
	return &flow.Invocation{Version: flow.Version, ID: id, Kind: flow.KindProfile, Payload: flow.PayloadFunction,
		Route:        flow.Route{Org: 201, Destination: "domaintools", ReplyTo: "acks.201.domaintools", CorrelationID: "c-" + id},
		ContextToken: "token-" + id,
		Body:         json.RawMessage(`{"function":{"name":"domaintools_profile_domain_with_iris"},"inputs":` + inputs + `}`)}
}

// The layer answers a worker's call in order — status, then the writes
// (completed with the invocation's ids and reply route) holding the final
// result with the inputs — and bad input with an error reply and a dead
// letter.
func TestWorkersAnswerInOrder(t *testing.T) {
	t.Parallel()
	js := testenv.JetStream(t)
	replies := testenv.Collect(t, js, flow.StreamReplies, "reply.>", "test-replies")
	writes := testenv.Collect(t, js, flow.StreamWrites, "write.>", "test-writes")
	dlq := testenv.Collect(t, js, flow.StreamDLQ, "dlq.>", "test-dlq")
	ws := work.New(work.Config{Service: "test", JS: js, Consumer: flow.EnricherConsumer, Version: "1.2.3", Host: "h"})
	work.Register(ws, flow.KindProfile, echo{})
	testenv.RunInBackground(t, "workers", ws.Run)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pub := flow.Publisher{JS: js}
	for _, inv := range []*flow.Invocation{
		call(t, "ok", `{"dt_domain_name":"int-chase.com"}`),
		call(t, "big", `{"dt_domain_name":"too-big.com"}`),
		call(t, "bad", `{}`),
	} {
		if err := pub.Invocation(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	byInv := map[string][]*flow.Reply{}
	for _, data := range replies.Take(3, testenv.Wait) { // ok, big: their status; bad: its error
		r, err := flow.Decode[flow.Reply](data)
		if err != nil {
			t.Fatal(err)
		}
		byInv[r.InvocationID] = append(byInv[r.InvocationID], r)
	}
	for _, id := range []string{"ok", "big"} {
		if rs := byInv[id]; len(rs) != 1 || rs[0].Seq != work.SeqStatus || rs[0].Final {
			t.Fatalf("%s: replies %+v, want the status only (the final waits for the write)", id, rs)
		}
	}
	bad := byInv["bad"]
	if len(bad) != 1 || !bad[0].Final {
		t.Fatalf("bad: replies %+v, want one final error", bad)
	}
	if a, _ := resilient.DecodeReply(bad[0].Message); a == nil || a.MessageType != resilient.MessageError ||
		!strings.HasPrefix(a.Message, "irisflow: ") || !strings.Contains(a.Message, "dt_domain_name is required") {
		t.Errorf("bad: error reply %+v", a)
	}
	dls := dlq.Take(1, testenv.Wait)
	var dl flow.DeadLetter
	if err := json.Unmarshal(dls[0], &dl); err != nil || dl.ID != "bad" || dl.Service != "test" {
		t.Errorf("dead letter %+v (%v)", dl, err)
	}
	// Each answer with a write rides on it, for the writer to send once the
	// write has landed.
	for _, data := range writes.Take(2, testenv.Wait) {
		cmd, err := flow.Decode[flow.WriteCommand](data)
		if err != nil {
			t.Fatal(err)
		}
		id := cmd.InvocationID
		if cmd.Org != 201 || cmd.ContextToken != "token-"+id || cmd.Reply == nil || cmd.Reply.CorrelationID != "c-"+id {
			t.Errorf("write command not completed: %+v", cmd)
		}
		if cmd.Final == nil || cmd.Final.Seq != work.SeqFinal || len(cmd.Final.Writes) != 1 || cmd.Final.Writes[0] != cmd.ID {
			t.Fatalf("%s: held final %+v", id, cmd.Final)
		}
		a, err := resilient.DecodeReply(cmd.Final.Message)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Payload()
		if err != nil || p == nil {
			t.Fatalf("%s: no result payload: %v", id, err)
		}
		if wantOK := id == "ok"; p.Success != wantOK || p.Metrics.PackageVersion != "1.2.3" || p.Inputs["dt_domain_name"] == nil {
			t.Errorf("%s: result %+v", id, p)
		}
		if id == "big" && p.Reason != "too big" {
			t.Errorf("big: reason %q", p.Reason)
		}
	}
	replies.None(200 * time.Millisecond)
}
