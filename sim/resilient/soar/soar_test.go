package soarsim_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// app plays the integration side over the real broker: it answers every
// function message with the content respond returns, and records frames.
type app struct {
	frames chan *stomp.Message
}

func startApp(t *testing.T, url, queue string, respond func(fn string, inputs map[string]any) map[string]any) *app {
	t.Helper()
	c := client(t, url)
	sub, err := c.Subscribe(queue, stomp.AckClientIndividual)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{frames: make(chan *stomp.Message, 100)}
	go func() {
		for m := range sub.C {
			if m.Err != nil {
				return
			}
			a.frames <- m
			_ = c.Ack(m)
			var body struct {
				Function struct{ Name string } `json:"function"`
				Inputs   map[string]any        `json:"inputs"`
			}
			_ = json.Unmarshal(m.Body, &body)
			cid := m.Header.Get("correlation-id")
			replyTo := m.Header.Get("reply-to")
			_ = c.Send(replyTo, "", resilient.StatusReply("working"), stomp.SendOpt.Header("correlation-id", cid))
			content := respond(body.Function.Name, body.Inputs)
			_ = c.Send(replyTo, "", resilient.ResultReply(resilient.ResultPayload{Success: true, Content: content}), stomp.SendOpt.Header("correlation-id", cid))
		}
	}()
	return a
}

func setup(t *testing.T, respond func(string, map[string]any) map[string]any) (*soarsim.SOAR, *resilientsim.Sim, *app) {
	t.Helper()
	sim := resilientsim.New(resilientsim.Config{})
	b, err := broker.Start("127.0.0.1:0", broker.WithUsers(sim.BrokerUsers()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	s, err := soarsim.New(soarsim.Config{BrokerURL: b.URL(), Sim: sim, Login: resilientsim.DefaultAPIKeyID, Passcode: resilientsim.DefaultAPIKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, sim, startApp(t, b.URL(), "actions.201.domaintools", respond)
}

// The function frame carries the recorded frame's headers and body keys.
func TestFunctionFrameMatchesRecording(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(testenv.ResilientFixtures(t), "function_message_frame.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Headers map[string]string          `json:"headers"`
		Body    map[string]json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	s, _, a := setup(t, func(string, map[string]any) map[string]any { return map[string]any{} })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inv, err := s.InvokeFunction(ctx, "domaintools_execute_pivots", map[string]any{"dt_pivot_type": "ssl_hash", "dt_pivot_value": "f17d5cd44c5e55827e7c4efd8896845e62e35b02"})
	if err != nil {
		t.Fatal(err)
	}
	m := <-a.frames
	for k := range rec.Headers {
		switch k {
		case "ack", "subscription", "JMSXUserID": // set by the broker
			continue
		}
		if m.Header.Get(k) == "" {
			t.Errorf("header %s missing", k)
		}
	}
	if got := m.Header.Get("correlation-id"); got != inv.CorrelationID || !strings.HasPrefix(got, "invid:") {
		t.Errorf("correlation-id %q", got)
	}
	if got := m.Header.Get("reply-to"); got != "/queue/acks.201.domaintools" {
		t.Errorf("reply-to %q", got)
	}
	if got := strings.Count(m.Header.Get("Co3ContextToken"), "."); got != 2 {
		t.Errorf("context token is not JWT-shaped")
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(m.Body, &body); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for k := range rec.Body {
		want = append(want, k)
	}
	for k := range body {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, ",") != strings.Join(got, ",") {
		t.Errorf("body keys %v, want %v", got, want)
	}
	msg, err := resilient.Decode(resilient.ParseHeaders(map[string]string{"Co3MessagePayload": m.Header.Get("Co3MessagePayload")}), m.Body)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := msg.Function.Inputs.Select("dt_pivot_type"); !ok || c.Name != "ssl_hash" || c.ID == 0 {
		t.Errorf("dt_pivot_type not a select {id,name}: %+v", c)
	}
	final, err := s.Await(ctx, inv.CorrelationID)
	if err != nil || !final.Complete {
		t.Fatalf("await: %+v, %v", final, err)
	}
	if rs := s.Replies(inv.CorrelationID); len(rs) != 2 || rs[0].Complete {
		t.Errorf("replies %+v, want status then final", rs)
	}
}

func TestWorkflows(t *testing.T) {
	t.Parallel()
	respond := func(fn string, in map[string]any) map[string]any {
		switch fn {
		case "domaintools_profile_domain_with_iris":
			d, _ := in["dt_domain_name"].(string)
			return map[string]any{"domain": d, "dt_iris_data": `{"domain":"` + d + `"}`}
		case "domaintools_format_iris_investigate_data":
			if !strings.Contains(in["dt_iris_data_in"].(string), "int-chase.com") {
				return map[string]any{}
			}
			return map[string]any{"Domain Name": "int-chase.com", "Overall Risk Score": 100, "Create Date": "2019-08-01"}
		case "domaintools_extract_risk_score":
			return map[string]any{"risk_score": 100}
		case "domaintools_check_domain_tags":
			return map[string]any{"tags": []any{"phishing"}}
		case "domaintools_discover_actionable_pivots":
			return map[string]any{"dt_pivot_data": map[string]any{"f17d5cd44c5e55827e7c4efd8896845e62e35b02": 3, "199.30.228.112": 4, "DomainTools": 7}}
		case "domaintools_execute_pivots":
			if in["dt_pivot_type"].(map[string]any)["name"] == "ip" {
				return map[string]any{"pivots": []any{"a.example", "b.example"}}
			}
			return map[string]any{"pivots": []any{}}
		}
		return nil
	}
	tests := []struct {
		workflow string
		artifact string
		notes    []string
		rows     int
	}{
		{"profile", "int-chase.com", []string{"Performed DomainTools Iris profile of int-chase.com", "Added int-chase.com to DomainTools Table"}, 1},
		{"profile", "unknown.example", []string{"Performed DomainTools Iris profile of unknown.example", "Domain Not Found"}, 0},
		{"DomainTools: Check Domain Risk Score", "int-suntrust.com", []string{"Performed DomainTools Iris profile of int-suntrust.com", "High Risk domain observed: int-suntrust.com, 100"}, 0},
		{"tags", "x.example", []string{"Performed DomainTools Iris profile of x.example", "Tagged domain observed: x.example, phishing"}, 0},
		{"autopivot", "domaintools.com", []string{"Performed DomainTools Iris profile of domaintools.com", "New Domains discovered from ip - Iris Pivot Function", "DNS Name, a.example, pivot from Iris", "DNS Name, b.example, pivot from Iris"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.workflow+"/"+tt.artifact, func(t *testing.T) {
			t.Parallel()
			s, sim, _ := setup(t, respond)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			run, err := s.RunWorkflow(ctx, tt.workflow, resilientsim.DemoIncident, tt.artifact)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(run.Notes, "|") != strings.Join(tt.notes, "|") {
				t.Errorf("notes %q, want %q", run.Notes, tt.notes)
			}
			var inSim []string
			for _, c := range sim.Notes(201, resilientsim.DemoIncident) {
				inSim = append(inSim, c.Text.Content)
			}
			for _, n := range tt.notes {
				if !contains(inSim, n) {
					t.Errorf("note %q not in the REST sim's incident", n)
				}
			}
			rows := sim.Rows(201, resilientsim.DemoIncident, resilient.ResultsTable)
			if len(rows) != tt.rows {
				t.Fatalf("%d rows, want %d", len(rows), tt.rows)
			}
			if tt.rows == 1 && rows[0].Value("domain_name") != "int-chase.com" {
				t.Errorf("row domain_name = %v", rows[0].Value("domain_name"))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
