package bridge

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// Frames whose envelope is over NATS's max payload (1 MiB) can never be
// published: each is answered with an error naming the limit, dead-lettered
// truncated and ACKed, so that more of them than there are frame workers
// (25 > 10) do not stop the bridge.
func TestBridgeOversizedFramesAnswered(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, _ := running(t, k, 180*time.Second)
		s := e.soar(0)
		const n = 25
		huge := strings.Repeat("x", 1<<20) + ".com"
		calls := make([]soarsim.Invocation, n)
		for i := range calls {
			var err error
			if calls[i], err = s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", map[string]any{"dt_domain_name": huge}); err != nil {
				t.Fatal(err)
			}
		}
		good, err := s.InvokeFunction(ctx, "domaintools_extract_risk_score", map[string]any{"dt_iris_data_in": "{}"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			final := awaitFinal(t, ctx, s, c.CorrelationID)
			if final.MessageType != resilient.MessageError || !strings.Contains(final.Message, "1048576-byte limit of a NATS message") {
				t.Errorf("oversized frame %s: reply %+v, want an error naming the limit", c.CorrelationID, final)
			}
		}
		e.waitForInvocation(t, "the good frame in FN", good.CorrelationID)
		// The dead letters are ~1 MiB each: counted, and the last one read.
		if got := testenv.StreamMsgs(t, e.js, flow.StreamDLQ); got != n {
			t.Fatalf("%d dead letters, want %d", got, n)
		}
		dlq, err := e.js.Stream(ctx, flow.StreamDLQ)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := dlq.GetLastMsgForSubject(ctx, flow.DLQSubject("STOMP"))
		if err != nil {
			t.Fatal(err)
		}
		var dl flow.DeadLetter
		if err := json.Unmarshal(raw.Data, &dl); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dl.Reason, "limit of a NATS message") || dl.TruncatedFrom <= len(dl.Data) || len(dl.Data) == 0 {
			t.Errorf("dead letter %s: reason %q, %d of %d bytes; want the limit and a truncated frame", dl.ID, dl.Reason, len(dl.Data), dl.TruncatedFrom)
		}
	})
}

// A frame without reply-to or correlation-id cannot be answered: it is not
// processed but dead-lettered with the reason, logged as a warning and ACKed.
func TestBridgeFramesWithoutReplyRoute(t *testing.T) {
	eachBroker(t, func(t *testing.T, k brokerKind) {
		e, ctx, logs := running(t, k, 60*time.Second)
		s := e.soar(0)
		in := map[string]any{"dt_domain_name": "int-chase.com"}
		if _, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", in, soarsim.WithoutReplyTo()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.InvokeFunction(ctx, "domaintools_profile_domain_with_iris", in, soarsim.WithHeader(resilient.HeaderCorrelationID, "")); err != nil {
			t.Fatal(err)
		}
		var dls []flow.DeadLetter
		waitFor(t, "two dead letters", func() bool { dls = e.deadLetters(); return len(dls) == 2 })
		for _, want := range []string{"frame without reply-to", "frame without correlation-id"} {
			found := false
			for _, dl := range dls {
				found = found || (dl.Source == "STOMP" && strings.Contains(dl.Reason, want))
			}
			if !found {
				t.Errorf("no dead letter with reason %q: %+v", want, dls)
			}
		}
		good, err := s.InvokeFunction(ctx, "domaintools_extract_risk_score", map[string]any{"dt_iris_data_in": "{}"})
		if err != nil {
			t.Fatal(err)
		}
		e.waitForInvocation(t, "only the good frame in FN", good.CorrelationID)
		if warned := logs.Lines(`"level":"WARN","msg":"frame rejected"`, "frame without"); warned != 2 {
			t.Errorf("%d warnings about the frames without a reply route, want 2", warned)
		}
		if rs := s.Replies(""); len(rs) != 0 {
			t.Errorf("replies without a correlation-id sent: %+v", rs)
		}
	})
}
