package flow_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	route := flow.Route{Org: 201, Destination: "domaintools", ReplyTo: "/queue/acks.201.domaintools", CorrelationID: "invid:80"}
	inv := &flow.Invocation{ID: "ID:abc-1", Kind: flow.KindProfile, Route: route, Function: "domaintools_profile_domain_with_iris",
		Payload: flow.PayloadFunction, ContextToken: "tok", IncidentID: 4206, ArtifactID: 7, Depth: 1,
		Body: json.RawMessage(`{"inputs":{"dt_domain_name":"int-chase.com"}}`), ReceivedAt: at}
	rep := &flow.Reply{ID: flow.ReplyID("ID:abc-1", 2), InvocationID: "ID:abc-1", Seq: 2, Final: true, Route: route,
		Message: json.RawMessage(`{"message_type":0,"message":"Completed","complete":true}`)}
	wr := &flow.WriteCommand{ID: "ID:abc-1/note/profiled", InvocationID: "ID:abc-1", Org: 201, IncidentID: 4206, Kind: flow.WriteNote,
		Note: &flow.Note{Format: "text", Content: "Performed DomainTools Iris profile of int-chase.com"}, Reply: &route, CreatedAt: at}

	check := func(t *testing.T, in any, decode func([]byte) (any, error)) {
		t.Helper()
		data, err := flow.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := decode(data)
		if err != nil {
			t.Fatalf("decode %s: %v", data, err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("round trip changed the envelope:\n in: %+v\nout: %+v", in, out)
		}
	}
	check(t, inv, func(b []byte) (any, error) { return flow.Decode[flow.Invocation](b) })
	check(t, rep, func(b []byte) (any, error) { return flow.Decode[flow.Reply](b) })
	check(t, wr, func(b []byte) (any, error) { return flow.Decode[flow.WriteCommand](b) })
	if inv.Version != flow.Version {
		t.Fatalf("Encode did not stamp the version: %d", inv.Version)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data string
		dec  func([]byte) error
	}{
		{"not json", `{`, decInv},
		{"no version", `{"id":"a","kind":"profile","org":1}`, decInv},
		{"newer version", `{"version":99,"id":"a","kind":"profile","org":1}`, decInv},
		{"unknown kind", `{"version":1,"id":"a","kind":"bogus","org":1}`, decInv},
		{"no org", `{"version":1,"id":"a","kind":"profile"}`, decInv},
		{"reply without reply-to", `{"version":1,"id":"a#0","invocation_id":"a","message":{}}`, decRep},
		{"reply with bad message", `{"version":1,"id":"a#0","invocation_id":"a","reply_to":"q","message":"x"}`, decRep},
		{"note without content", `{"version":1,"id":"w","org":1,"incident_id":2,"kind":"note","note":{}}`, decWrite},
		{"row without cells", `{"version":1,"id":"w","org":1,"incident_id":2,"kind":"row","row":{"table":"t"}}`, decWrite},
		{"artifact without value", `{"version":1,"id":"w","org":1,"incident_id":2,"kind":"artifact","artifact":{"type":2}}`, decWrite},
		{"unknown write kind", `{"version":1,"id":"w","org":1,"incident_id":2,"kind":"task"}`, decWrite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.dec([]byte(c.data))
			if !errors.Is(err, flow.ErrBadEnvelope) {
				t.Fatalf("want ErrBadEnvelope, got %v", err)
			}
		})
	}
}

func decInv(b []byte) error   { _, err := flow.Decode[flow.Invocation](b); return err }
func decRep(b []byte) error   { _, err := flow.Decode[flow.Reply](b); return err }
func decWrite(b []byte) error { _, err := flow.Decode[flow.WriteCommand](b); return err }

func TestSubjects(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		flow.FNSubject(201, flow.KindPivotsExecute): "fn.201.pivots.execute",
		flow.WriteSubject(201, 4206, flow.WriteRow): "write.201.4206.row",
		flow.ReplySubject(201, "domaintools"):       "reply.201.domaintools",
		flow.ReplySubject(201, "bad.dest *"):        "reply.201.bad_dest__",
		flow.DLQSubject("STOMP"):                    "dlq.stomp",
		flow.DLQSubject(flow.StreamFN):              "dlq.fn",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
