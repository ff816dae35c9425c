package testenv

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
)

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
