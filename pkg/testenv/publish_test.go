package testenv

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
)

func TestPublish(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	route := flow.Route{Org: 201, Destination: "domaintools", ReplyTo: "acks.201.domaintools", CorrelationID: "c-1"}
	Publish(t, js,
		&flow.Invocation{ID: "inv-1", Kind: flow.KindProfile, Route: route},
		&flow.Reply{InvocationID: "inv-1", Seq: 0, Route: route, Message: []byte(`{}`)},
		&flow.WriteCommand{ID: "w-1", InvocationID: "inv-1", Org: 201, IncidentID: 7, Kind: flow.WriteNote, Note: &flow.Note{Content: "n"}},
		&flow.DeadLetter{ID: "dl-1", Source: flow.StreamFN, Reason: "test"},
	)
	if got := ReadStream[flow.Invocation](t, js, flow.StreamFN, ""); len(got) != 1 || got[0].ID != "inv-1" {
		t.Errorf("FN holds %+v, want the invocation", got)
	}
	if got := ReadStream[flow.Reply](t, js, flow.StreamReplies, ""); len(got) != 1 || got[0].ID != flow.ReplyID("inv-1", 0) {
		t.Errorf("REPLIES holds %+v, want the reply", got)
	}
	if got := ReadStream[flow.WriteCommand](t, js, flow.StreamWrites, ""); len(got) != 1 || got[0].ID != "w-1" {
		t.Errorf("WRITES holds %+v, want the command", got)
	}
	if got := ReadStream[flow.DeadLetter](t, js, flow.StreamDLQ, ""); len(got) != 1 || got[0].ID != "dl-1" {
		t.Errorf("DLQ holds %+v, want the dead letter", got)
	}
	r := &recorder{TB: t}
	r.do(func(tb testing.TB) { Publish(tb, js, "not a message") })
	if errs, fatal := r.failures(); !fatal || len(errs) != 1 || errs[0] != "testenv: publish string: not a flow message" {
		t.Errorf("Publish of a string: fatal %v, %q", fatal, errs)
	}
}

func TestPublishWithID(t *testing.T) {
	t.Parallel()
	js := JetStream(t)
	subject := flow.DLQSubject(flow.StreamFN)
	dl := &flow.DeadLetter{ID: "dl-1", Reason: "test"}
	if ack := PublishWithID(t, js, subject, dl, "id-1"); ack.Duplicate {
		t.Error("first publish acked as a duplicate")
	}
	if ack := PublishWithID(t, js, subject, dl, "id-1"); !ack.Duplicate {
		t.Error("a copy under the same id was not dropped as a duplicate")
	}
	if ack := PublishWithID(t, js, subject, dl, "id-2"); ack.Duplicate {
		t.Error("a copy under another id was dropped")
	}
	got := ReadStream[flow.DeadLetter](t, js, flow.StreamDLQ, subject)
	if len(got) != 2 || got[0].ID != "dl-1" || got[1].ID != "dl-1" || got[0].Version != flow.Version {
		t.Errorf("stream holds %+v, want the dead letter twice, stamped with the version", got)
	}
}
