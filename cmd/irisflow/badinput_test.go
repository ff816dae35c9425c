package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// badInput is one malformed message and the words its error reply (or,
// when it cannot be answered, its dead letter's reason) must contain.
type badInput struct {
	name string
	send func(ctx context.Context, s *soarsim.SOAR) (soarsim.Invocation, error)
	want string // in the error reply's message
	dl   bool   // no reply possible: a dead letter with want in its reason
}

const (
	fnProfile  = "domaintools_profile_domain_with_iris"
	fnFormat   = "domaintools_format_iris_investigate_data"
	fnRisk     = "domaintools_extract_risk_score"
	fnTags     = "domaintools_check_domain_tags"
	fnDiscover = "domaintools_discover_actionable_pivots"
	fnExecute  = "domaintools_execute_pivots"
	fnAuto     = "domaintools_auto_pivot_with_iris"
)

func call(fn string, in map[string]any, opts ...soarsim.InvokeOption) func(context.Context, *soarsim.SOAR) (soarsim.Invocation, error) {
	return func(ctx context.Context, s *soarsim.SOAR) (soarsim.Invocation, error) {
		return s.InvokeFunction(ctx, fn, in, opts...)
	}
}

func raw(body string, opts ...soarsim.InvokeOption) func(context.Context, *soarsim.SOAR) (soarsim.Invocation, error) {
	return call(fnProfile, nil, append(opts, soarsim.WithRawBody([]byte(body)))...)
}

func badInputs() []badInput {
	mib := func(n float64) string { return strings.Repeat("a", int(n*(1<<20))) }
	label64 := strings.Repeat("l", 64)
	c := []badInput{
		// Not JSON objects.
		{"empty body", raw(""), "malformed message", false},
		{"truncated json", raw(`{"function": {`), "malformed message", false},
		{"json array", raw(`[1,2,3]`), "malformed message", false},
		{"json string", raw(`"hello"`), "malformed message", false},
		{"json number", raw(`42`), "malformed message", false},
		{"json null", raw(`null`), "no function name", false},
		{"not json", raw(`<xml/>`), "malformed message", false},
		{"object without function", raw(`{"inputs":{}}`), "no function name", false},
		{"function not an object", raw(`{"function":"x","inputs":{}}`), "malformed message", false},
		{"inputs not an object", raw(`{"function":{"name":"` + fnProfile + `"},"inputs":[1]}`), "malformed message", false},
		// Function names.
		{"unknown function", call("mock_function_one", map[string]any{"x": 1}), "unknown function \"mock_function_one\"", false},
		{"empty function name", call("", map[string]any{"dt_domain_name": "example.com"}), "no function name", false},
		{"function name with html", call("<b>x</b>", nil), "unknown function \"&lt;b&gt;x&lt;/b&gt;\"", false},
		{"function name case", call("DomainTools_Profile_Domain_With_Iris", map[string]any{"dt_domain_name": "example.com"}), "unknown function", false},
		{"function name sql", call("x'; DROP TABLE incidents;--", nil), "unknown function", false},
		// Missing and wrong-typed inputs, per function.
		{"profile without domain", call(fnProfile, map[string]any{}), "dt_domain_name is required", false},
		{"profile domain number", call(fnProfile, map[string]any{"dt_domain_name": 42}), "is not a domain name", false},
		{"profile domain list", call(fnProfile, map[string]any{"dt_domain_name": []any{"a.com"}}), "dt_domain_name is required", false},
		{"profile domain object", call(fnProfile, map[string]any{"dt_domain_name": map[string]any{"x": 1}}), "dt_domain_name is required", false},
		{"profile domain null", call(fnProfile, map[string]any{"dt_domain_name": nil}), "dt_domain_name is required", false},
		{"profile domain empty", call(fnProfile, map[string]any{"dt_domain_name": ""}), "dt_domain_name is required", false},
		{"profile domain spaces", call(fnProfile, map[string]any{"dt_domain_name": "   "}), "dt_domain_name is required", false},
		{"risk without data", call(fnRisk, map[string]any{}), "is required", false},
		{"risk data not json", call(fnRisk, map[string]any{"dt_iris_data_in": "{not json"}), "not DomainTools Iris data", false},
		{"risk data number", call(fnRisk, map[string]any{"dt_iris_data_in": 7}), "not DomainTools Iris data", false},
		{"format without data", call(fnFormat, map[string]any{"dt_format_type": "JSON"}), "is required", false},
		{"format bad select", call(fnFormat, map[string]any{"dt_iris_data_in": "{}", "dt_format_type": "YAML"}), "not DomainTools Iris data", false},
		{"format select as number", call(fnFormat, map[string]any{"dt_iris_data_in": "{}", "dt_format_type": 5}), "not DomainTools Iris data", false},
		{"format bad multiselect", call(fnFormat, map[string]any{"dt_iris_data_in": "{}", "dt_format_type": "Text", "dt_format_options": "Nothing"}), "not DomainTools Iris data", false},
		{"tags without data", call(fnTags, map[string]any{}), "is required", false},
		{"tags wrong type", call(fnTags, map[string]any{"dt_iris_data_in": "{}", "dt_tags": 3}), "not DomainTools Iris data", false},
		{"discover without data", call(fnDiscover, map[string]any{}), "dt_iris_data_in", false},
		{"discover negative count", call(fnDiscover, map[string]any{"dt_iris_data_in": "{}", "dt_pivot_count": -5}), "dt_pivot_count must be 2 or more", false},
		{"discover string count", call(fnDiscover, map[string]any{"dt_iris_data_in": "{}", "dt_pivot_count": "many"}), "is not an integer", false},
		{"execute without type", call(fnExecute, map[string]any{"dt_pivot_value": "1.2.3.4"}), "dt_pivot_type is required", false},
		{"execute unknown type", call(fnExecute, map[string]any{"dt_pivot_type": "shoe_size", "dt_pivot_value": "42"}), "unknown pivot type \"shoe_size\"", false},
		{"execute without value", call(fnExecute, map[string]any{"dt_pivot_type": "ip"}), "dt_pivot_value is required", false},
		{"execute bad ip", call(fnExecute, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": "999.1.1.1"}), "is not an IP address", false},
		{"execute bad email", call(fnExecute, map[string]any{"dt_pivot_type": "email", "dt_pivot_value": "not-an-email"}), "is not an e-mail address", false},
		{"execute html email", call(fnExecute, map[string]any{"dt_pivot_type": "email", "dt_pivot_value": "<script>alert(1)</script>@x.com"}), "&lt;script&gt;", false},
		{"execute bad date", call(fnExecute, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": "1.2.3.4", "dt_created_date": "yesterday"}), "dt_created_date is not a date", false},
		{"execute date as object", call(fnExecute, map[string]any{"dt_pivot_type": "ip", "dt_pivot_value": "1.2.3.4", "dt_data_updated_after": map[string]any{"a": 1}}), "dt_data_updated_after is not a date", false},
		{"auto without domain", call(fnAuto, map[string]any{}), "incident_id is required", false},
		{"auto bad domain", call(fnAuto, map[string]any{"dt_domain_name": "not a domain"}), "incident_id is required", false},
		// Values that are not domain names.
		{"ipv4", call(fnProfile, map[string]any{"dt_domain_name": "10.0.0.1"}), "it is an IP address", false},
		{"ipv6", call(fnProfile, map[string]any{"dt_domain_name": "2001:db8::1"}), "it is an IP address", false},
		{"url", call(fnProfile, map[string]any{"dt_domain_name": "https://exa mple.com/path?q=1"}), "is not a domain name", false},
		{"email", call(fnProfile, map[string]any{"dt_domain_name": "user@@example..com"}), "is not a domain name", false},
		{"bad idn", call(fnProfile, map[string]any{"dt_domain_name": "exa mple.бг"}), "is not a domain name", false},
		{"bad punycode", call(fnProfile, map[string]any{"dt_domain_name": "xn--zz.com"}), "is not a domain name", false},
		{"label over 63", call(fnProfile, map[string]any{"dt_domain_name": label64 + ".com"}), "longer than 63 characters", false},
		{"name over 253", call(fnProfile, map[string]any{"dt_domain_name": strings.Repeat("abcdefghi.", 30) + "com"}), "is not a domain name", false},
		{"leading hyphen", call(fnProfile, map[string]any{"dt_domain_name": "-bad.com"}), "is not a domain name", false},
		{"sql in domain", call(fnProfile, map[string]any{"dt_domain_name": "x'; DROP TABLE domains;--"}), "is not a domain name", false},
		{"html in domain", call(fnProfile, map[string]any{"dt_domain_name": "<img src=x onerror=alert(1)>"}), "&lt;img src=x onerror=alert(1)&gt;", false},
		{"control chars", call(fnProfile, map[string]any{"dt_domain_name": "exa\x00mple.com"}), "is not a domain name", false},
		// Big bodies and values.
		{"half MiB value", call(fnProfile, map[string]any{"dt_domain_name": mib(0.5)}), "is not a domain name", false},
		{"900 KiB value", call(fnProfile, map[string]any{"dt_domain_name": mib(0.9)}), "is not a domain name", false},
		{"2 MiB body", call(fnProfile, map[string]any{"dt_domain_name": mib(2)}), "1048576-byte limit of a NATS message", false},
		{"5 MiB body", raw(`{"function":{"name":"` + fnProfile + `"},"inputs":{"x":"` + mib(5) + `"}}`), "1048576-byte limit of a NATS message", false},
		// Headers.
		{"no payload header", call(fnProfile, map[string]any{"dt_domain_name": "example.com"}, soarsim.WithHeader(resilient.HeaderPayload, "")), "unsupported message payload", false},
		{"unknown payload", call(fnProfile, map[string]any{"dt_domain_name": "example.com"}, soarsim.WithHeader(resilient.HeaderPayload, "WeirdDTO")), "unsupported message payload: \"WeirdDTO\"", false},
		{"no reply-to", call(fnProfile, map[string]any{"dt_domain_name": "example.com"}, soarsim.WithoutReplyTo()), "reply-to", true},
		{"no correlation-id", call(fnProfile, map[string]any{"dt_domain_name": "example.com"}, soarsim.WithHeader(resilient.HeaderCorrelationID, "")), "correlation-id", true},
		// Actions.
		{"action on ip artifact", func(ctx context.Context, s *soarsim.SOAR) (soarsim.Invocation, error) {
			return s.SendArtifactAction(ctx, 5, soarsim.Artifact{ID: 9, Type: resilient.ArtifactIPAddress, Value: "10.0.0.1"})
		}, "not DNS Name", false},
		{"action with empty value", func(ctx context.Context, s *soarsim.SOAR) (soarsim.Invocation, error) {
			return s.SendArtifactAction(ctx, 5, soarsim.Artifact{ID: 10, Value: ""})
		}, "has no value", false},
		{"action with bad domain", func(ctx context.Context, s *soarsim.SOAR) (soarsim.Invocation, error) {
			return s.SendArtifactAction(ctx, 5, soarsim.Artifact{ID: 11, Value: "<b>bold</b>"})
		}, "&lt;b&gt;bold&lt;/b&gt;", false},
	}
	return c
}

// The bad-input corpus: every malformed message gets an error reply naming
// the problem (or, when it cannot be answered, a dead letter with the
// reason), values are HTML-escaped in the replies, and a good invocation is
// answered after all of them.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	logs := &testenv.LogBuffer{}
	env, err := startDemo(ctx, logs.Logger(), demoOptions{dbURL: testenv.Postgres(t), noAutoPivot: true})
	if env != nil {
		t.Cleanup(env.close)
	}
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- env.pipeline.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("pipeline: %v", err)
		}
	})
	corpus := badInputs()
	for _, b := range corpus {
		if b.want == "" {
			t.Fatalf("%s: the corpus names no expected problem", b.name)
		}
	}
	if len(corpus) < 60 {
		t.Fatalf("%d messages in the corpus, want at least 60", len(corpus))
	}
	sent := make([]soarsim.Invocation, len(corpus))
	for i, b := range corpus {
		if sent[i], err = b.send(ctx, env.soar); err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
	}
	good, err := env.soar.InvokeFunction(ctx, fnProfile, map[string]any{"dt_domain_name": env.iris.Domains()[0]})
	if err != nil {
		t.Fatal(err)
	}
	final, err := env.soar.Await(ctx, good.CorrelationID)
	if err != nil || final.MessageType != resilient.MessageInfo {
		t.Fatalf("the good invocation after the corpus: %+v, %v", final, err)
	}
	for i, b := range corpus {
		if b.dl {
			continue
		}
		final, err := env.soar.Await(ctx, sent[i].CorrelationID)
		if err != nil {
			t.Errorf("%s: no reply: %v", b.name, err)
			continue
		}
		msg := final.Message
		if final.MessageType != resilient.MessageError || !strings.Contains(msg, b.want) {
			t.Errorf("%s: reply type %d %.300q, want an error mentioning %q", b.name, final.MessageType, msg, b.want)
		}
		if strings.ContainsAny(msg, "<>") {
			t.Errorf("%s: reply not HTML-escaped: %.300q", b.name, msg)
		}
		if len(msg) > 8<<10 {
			t.Errorf("%s: reply of %d bytes echoes too much", b.name, len(msg))
		}
	}
	dls := testenv.ReadStream[flow.DeadLetter](t, env.pipeline.js, flow.StreamDLQ, flow.DLQSubject("STOMP"))
	// No secret of the configuration in any reply, log line or dead letter.
	if logs.Count("bridge starting") == 0 {
		t.Fatal("the services' logs were not captured: nothing to search for secrets")
	}
	var seen strings.Builder
	seen.WriteString(logs.String())
	for _, inv := range append(sent, good) {
		for _, a := range env.soar.Replies(inv.CorrelationID) {
			seen.WriteString(a.Message)
			seen.Write(a.Results)
		}
	}
	for _, dl := range testenv.ReadStream[json.RawMessage](t, env.pipeline.js, flow.StreamDLQ, "") {
		seen.Write(dl)
	}
	for name, secret := range map[string]string{"the Iris API key": env.cfg.Iris.Key, "the REST API key secret": env.cfg.Resilient.APIKeySecret} {
		if secret == "" {
			t.Fatalf("%s is not configured: nothing to look for", name)
		}
		if strings.Contains(seen.String(), secret) {
			t.Errorf("%s appears in a reply, a log line or a dead letter", name)
		}
	}
	for _, b := range corpus {
		if !b.dl {
			continue
		}
		found := false
		for _, dl := range dls {
			found = found || strings.Contains(dl.Reason, b.want)
		}
		if !found {
			t.Errorf("%s: no dead letter naming %q", b.name, b.want)
		}
	}
}
