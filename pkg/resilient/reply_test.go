package resilient_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func TestReplyGoldens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"status", resilient.StatusReply("starting Iris profile"), `{"message_type":0,"message":"starting Iris profile","complete":false}`},
		{"error", resilient.ErrorReply("Iris said no"), `{"message_type":1,"message":"Iris said no","complete":true}`},
		{"action ack", resilient.ActionAck("queued"), `{"message_type":0,"message":"queued","complete":true}`},
		// SOAR renders every message as HTML: a value is shown, never rendered.
		{"status escaped", resilient.StatusReply(`a "quoted" <b>&`), `{"message_type":0,"message":"a \"quoted\" \u0026lt;b\u0026gt;\u0026amp;","complete":false}`},
		{"error escaped", resilient.ErrorReply(`<script>x</script>`), `{"message_type":1,"message":"\u0026lt;script\u0026gt;x\u0026lt;/script\u0026gt;","complete":true}`},
		{"notice escaped", resilient.ErrorNotice(`<i>`), `{"message_type":1,"message":"\u0026lt;i\u0026gt;","complete":false}`},
		{"action ack escaped", resilient.ActionAck(`done: <img src=x>`), `{"message_type":0,"message":"done: \u0026lt;img src=x\u0026gt;","complete":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if string(tt.got) != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}

func TestResultReplyMatchesRecordedPayload(t *testing.T) {
	t.Parallel()
	recorded := loadPayload(t)
	ts, _ := time.Parse(resilient.MetricsTimeLayout, "2021-12-02 14:48:45")
	got := resilient.ResultReply(resilient.ResultPayload{
		Version: 2.1, // as the recording shows on the wire
		Success: true,
		Content: map[string]any{"mock_key": "Mock Value!"},
		Inputs:  recordedInputs(t).Flatten(),
		Metrics: resilient.Metrics{
			Package: "fn-main-mock-integration", PackageVersion: "1.0.3", Host: "xxxs-MacBook-Pro-2.local",
			ExecutionTimeMS: 3233, Timestamp: ts,
		},
	})
	want := []byte(`{"message_type":0,"message":"Completed","complete":true,"results":` + string(recorded) + `}`)
	assertSameJSON(t, got, want)

	ack, err := resilient.DecodeReply(got)
	if err != nil {
		t.Fatal(err)
	}
	if ack.MessageType != resilient.MessageInfo || !ack.Complete || ack.Message != "Completed" {
		t.Errorf("ack = %+v", ack)
	}
	p, err := ack.Payload()
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 2.1 || !p.Success || p.Metrics.ExecutionTimeMS != 3233 || !p.Metrics.Timestamp.Equal(ts) {
		t.Errorf("payload = %+v", p)
	}
	if p.Inputs["mock_input_select"] != "select two" {
		t.Errorf("payload inputs = %v", p.Inputs)
	}
}

func TestResultReplyDefaults(t *testing.T) {
	t.Parallel()
	got := resilient.ResultReply(resilient.ResultPayload{Success: false, Reason: "Domain Not Found", Content: nil})
	var w struct {
		Results map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(got, &w); err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{"version": "2.0", "success": "false", "reason": `"Domain Not Found"`, "raw": "null", "content": "null", "inputs": "{}"}
	for k, want := range checks {
		if string(w.Results[k]) != want {
			t.Errorf("results.%s = %s, want %s", k, w.Results[k], want)
		}
	}
	var m struct {
		Version   string `json:"version"`
		Timestamp string `json:"timestamp"`
	}
	if err := json.Unmarshal(w.Results["metrics"], &m); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(resilient.MetricsTimeLayout, m.Timestamp); m.Version != "1.0" || err != nil {
		t.Errorf("metrics = %+v (%v)", m, err)
	}
	// Success without reason writes null.
	ok := resilient.ResultReply(resilient.ResultPayload{Success: true})
	ack, _ := resilient.DecodeReply(ok)
	var r struct {
		Reason *string `json:"reason"`
	}
	_ = json.Unmarshal(ack.Results, &r)
	if r.Reason != nil {
		t.Errorf("reason = %q, want null", *r.Reason)
	}
}

func TestDecodeReplyErrors(t *testing.T) {
	t.Parallel()
	if _, err := resilient.DecodeReply([]byte(`{"message_type":`)); err == nil {
		t.Error("bad JSON accepted")
	}
	ack, err := resilient.DecodeReply(resilient.StatusReply("x"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := ack.Payload(); p != nil || err != nil {
		t.Errorf("status reply payload = %v, %v", p, err)
	}
}
