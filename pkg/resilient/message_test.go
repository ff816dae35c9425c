package resilient_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func TestParseHeadersRecordedFrame(t *testing.T) {
	t.Parallel()
	f := loadFrame(t)
	h := resilient.ParseHeaders(f.Headers)
	checks := []struct{ name, got, want string }{
		{"reply-to", h.ReplyTo, "/queue/acks.201.fn_main_mock_integration"},
		{"correlation-id", h.CorrelationID, "invid:80"},
		{"payload", h.Payload, resilient.PayloadFunction},
		{"message-id", h.MessageID, "ID:xxx.xxx.xxx-35545-1634461020363-3:2:2287:1:1"},
		{"ack", h.Ack, "ID:xxx.xxx.xxx-39107-1634460977177-5:77"},
		{"subscription", h.Subscription, "actions.201.fn_main_mock_integration"},
		{"destination name", h.DestinationName(), "fn_main_mock_integration"},
		{"context token", h.ContextToken, f.Headers["Co3ContextToken"]},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if org, err := h.Org(); err != nil || org != 201 {
		t.Errorf("Org() = %d, %v; want 201", org, err)
	}
	if want := time.UnixMilli(1638456523659).UTC(); !h.Timestamp.Equal(want) {
		t.Errorf("timestamp = %v, want %v", h.Timestamp, want)
	}
	if strings.Contains(h.String(), h.ContextToken) {
		t.Error("Headers.String leaks the context token")
	}
}

func TestParseDestination(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		org  int64
		name string
		bad  bool
	}{
		{in: "/queue/actions.201.domaintools", org: 201, name: "domaintools"},
		{in: "actions.201.domaintools", org: 201, name: "domaintools"},
		{in: "/queue/acks.7.fn_x", org: 7, name: "fn_x"},
		{in: "actions.201.dest.with.dots", org: 201, name: "dest.with.dots"},
		{in: "actions.abc.domaintools", bad: true},
		{in: "actions.201", bad: true},
		{in: "actions.201.", bad: true},
		{in: "topics.201.x", bad: true},
		{in: "", bad: true},
		{in: "actions.-1.x", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			org, name, err := resilient.ParseDestination(tt.in)
			if tt.bad {
				if !errors.Is(err, resilient.ErrBadDestination) {
					t.Fatalf("err = %v, want ErrBadDestination", err)
				}
				return
			}
			if err != nil || org != tt.org || name != tt.name {
				t.Fatalf("= %d, %q, %v; want %d, %q", org, name, err, tt.org, tt.name)
			}
		})
	}
	h := resilient.ParseHeaders(map[string]string{"subscription": "actions.201.domaintools"})
	if org, _ := h.Org(); org != 201 || h.DestinationName() != "domaintools" {
		t.Errorf("subscription fallback: org %d name %q", org, h.DestinationName())
	}
}

func TestDecodeRecordedFunctionFrame(t *testing.T) {
	t.Parallel()
	f := loadFrame(t)
	m, err := resilient.Decode(resilient.ParseHeaders(f.Headers), f.Body)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if m.Action != nil || m.Function == nil {
		t.Fatalf("want a function message, got %+v", m)
	}
	fn := m.Function
	if fn.Function.Name != "mock_function_one" || fn.Function.ID != 3 || fn.Function.DisplayName != "mock_function_one" {
		t.Errorf("function = %+v", fn.Function)
	}
	if _, ok := fn.Function.Extra["view_items"]; !ok {
		t.Errorf("function extra keys lost: %v", fn.Function.Extra)
	}
	if fn.Workflow == nil || fn.Workflow.ProgrammaticName != "mock_workflow_one" || fn.Workflow.ObjectType != (resilient.Choice{ID: 0, Name: "incident"}) {
		t.Errorf("workflow = %+v", fn.Workflow)
	}
	if fn.WorkflowInstance == nil || fn.WorkflowInstance.WorkflowInstanceID != 80 || fn.WorkflowInstance.Workflow.WorkflowID != 3 {
		t.Errorf("workflow instance = %+v", fn.WorkflowInstance)
	}
	if fn.Principal == nil || fn.Principal.Name != "admin@example.com" || fn.Principal.Type != "user" {
		t.Errorf("principal = %+v", fn.Principal)
	}
	if len(fn.Inputs) != 6 {
		t.Errorf("inputs = %d, want 6", len(fn.Inputs))
	}

	// Re-encoding keeps every key of the original.
	again, err := json.Marshal(fn)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, again, f.Body)
}

func TestDecodeKeepsUnknownKeys(t *testing.T) {
	t.Parallel()
	body := `{"function":{"id":1,"name":"domaintools_profile","future_key":1},"inputs":{},"brand_new":{"x":[1,2]}}`
	m, err := resilient.Decode(resilient.Headers{Payload: resilient.PayloadFunction}, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Function.Extra["brand_new"]); got != `{"x":[1,2]}` {
		t.Errorf("top-level extra = %q", got)
	}
	if got := string(m.Function.Function.Extra["future_key"]); got != "1" {
		t.Errorf("function extra = %q", got)
	}
	out, _ := json.Marshal(m.Function)
	if !strings.Contains(string(out), `"brand_new":{"x":[1,2]}`) {
		t.Errorf("re-encoded body lost the unknown key: %s", out)
	}
}

func TestDecodeActionData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		typ  resilient.Ref
	}{
		{"type as object", `{"action_id":5,"object_type":4,"incident":{"id":4206,"name":"PhishMe_Ident2","org_id":201,"properties":{"domaintoolsdata":true},"plan_status":"A"},
		  "artifact":{"id":11,"type":{"id":2,"name":"DNS Name"},"value":"int-chase.com","description":"seen in mail","properties":[{"name":"allow_duplicate","value":false}],"created":1564743180000},
		  "properties":{"x":1},"principal":{"id":1,"type":"user","name":"a@b.c","display_name":"A"},"user":{"id":1}}`, resilient.Ref{ID: 2, Name: "DNS Name"}},
		{"type as int", `{"action_id":5,"object_type":{"id":4,"name":"artifact"},"incident":{"id":4206,"name":"PhishMe_Ident2","org_id":201},
		  "artifact":{"id":11,"type":2,"value":"int-chase.com","description":{"format":"text","content":"seen in mail"}},"user":{"id":1}}`, resilient.Ref{ID: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := resilient.Decode(resilient.Headers{Payload: resilient.PayloadAction}, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			a := m.Action
			if a == nil || m.Function != nil {
				t.Fatalf("want an action message")
			}
			if a.ActionID != 5 || a.ObjectType.ID != resilient.ObjectArtifact {
				t.Errorf("action = %+v", a)
			}
			if a.Incident == nil || a.Incident.ID != 4206 || a.Incident.OrgID != 201 || a.Incident.Name != "PhishMe_Ident2" {
				t.Errorf("incident = %+v", a.Incident)
			}
			if a.Artifact == nil || a.Artifact.ID != 11 || a.Artifact.Value != "int-chase.com" || a.Artifact.Type != tt.typ {
				t.Errorf("artifact = %+v", a.Artifact)
			}
			if a.Artifact.Description.Content != "seen in mail" {
				t.Errorf("description = %+v", a.Artifact.Description)
			}
			if _, ok := a.Extra["user"]; !ok {
				t.Errorf("unknown key user lost: %v", a.Extra)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		body    string
		want    error
	}{
		{"unknown payload", "RestAPIExecutionEventDTO", `{}`, resilient.ErrUnsupportedPayload},
		{"no payload header", "", `{}`, resilient.ErrUnsupportedPayload},
		{"bad json", resilient.PayloadFunction, `{"function":`, resilient.ErrMalformed},
		{"wrong type", resilient.PayloadFunction, `{"function":{"id":"x"}}`, resilient.ErrMalformed},
		{"no function name", resilient.PayloadFunction, `{"function":{"id":1},"inputs":{}}`, resilient.ErrMalformed},
		{"bad action json", resilient.PayloadAction, `[1]`, resilient.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := resilient.Decode(resilient.Headers{Payload: tt.payload, MessageID: "ID:42"}, []byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "ID:42") {
				t.Errorf("error lacks the message id: %v", err)
			}
		})
	}
}

func assertSameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", gb, wb)
	}
}
