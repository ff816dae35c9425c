package soarsim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// Invocation identifies one message sent to the destination.
type Invocation struct {
	CorrelationID string    // invid:<n>, on every reply
	Payload       string    // FunctionDataDTO or ActionDataDTO
	Function      string    // function API name; "" for actions
	SentAt        time.Time //
}

// InvokeOption adjusts one message.
type InvokeOption func(*invokeOpts)

type invokeOpts struct {
	workflow  string
	headers   map[string]string
	rawBody   []byte
	noReplyTo bool
}

// WithWorkflow names the calling workflow (programmatic name).
func WithWorkflow(programmaticName string) InvokeOption {
	return func(o *invokeOpts) { o.workflow = programmaticName }
}

// WithHeader sets (or, with "", removes) a STOMP header.
func WithHeader(k, v string) InvokeOption {
	return func(o *invokeOpts) {
		if o.headers == nil {
			o.headers = map[string]string{}
		}
		o.headers[k] = v
	}
}

// WithRawBody replaces the body (for malformed-message tests).
func WithRawBody(b []byte) InvokeOption { return func(o *invokeOpts) { o.rawBody = b } }

// WithoutReplyTo omits the reply-to header.
func WithoutReplyTo() InvokeOption { return func(o *invokeOpts) { o.noReplyTo = true } }

// functionInfo is the SOAR function object of each seed-app function.
var functionInfo = map[string]struct {
	id          int64
	displayName string
}{
	"domaintools_profile_domain_with_iris":     {11, "DomainTools: Profile Domain with Iris"},
	"domaintools_format_iris_investigate_data": {12, "DomainTools: Format Iris Investigate Data"},
	"domaintools_extract_risk_score":           {13, "DomainTools: Extract Risk Score"},
	"domaintools_check_domain_tags":            {14, "DomainTools: Check Domain Tags"},
	"domaintools_discover_actionable_pivots":   {15, "DomainTools: Discover Actionable Pivots"},
	"domaintools_execute_pivots":               {16, "DomainTools: Execute Pivots"},
	"domaintools_auto_pivot_with_iris":         {17, "DomainTools: Auto Pivot with Iris"},
}

// InvokeFunction sends a FunctionDataDTO message calling fn with inputs.
// Inputs are encoded as SOAR encodes them: strings for known select inputs
// (dt_format_type, dt_pivot_type) become {id,name}, string lists for
// multiselects (dt_format_options) become lists of {id,name}; Text values
// become rich text; anything else is sent as given.
func (s *SOAR) InvokeFunction(ctx context.Context, fn string, inputs map[string]any, opts ...InvokeOption) (Invocation, error) {
	o := applyOpts(opts)
	info, ok := functionInfo[fn]
	if !ok {
		info.id, info.displayName = 99, fn
	}
	wf := workflowObject(o.workflow)
	body := map[string]any{
		"function": map[string]any{
			"creator": nil, "description": nil, "display_name": info.displayName, "id": info.id, "name": fn,
			"tags": []any{}, "uuid": nil, "version": nil, "view_items": []any{}, "workflows": []any{},
		},
		"groups":            []any{},
		"inputs":            EncodeInputs(inputs),
		"playbook_instance": nil,
		"principal":         map[string]any{"display_name": "Admin User", "id": 1, "name": "admin@example.com", "type": "user"},
		"workflow":          wf,
		"workflow_instance": map[string]any{"workflow": wf, "workflow_instance_id": s.nextInv.Add(1)},
	}
	inv, err := s.dispatch(ctx, resilient.PayloadFunction, body, o)
	inv.Function = fn
	return inv, err
}

// Artifact is the artifact an action message is about.
type Artifact struct {
	ID    int64
	Type  int64 // 2 = DNS Name (default)
	Value string
}

// SendArtifactAction sends an ActionDataDTO for an "artifact created" event
// on incident, as an automatic rule on DNS Name artifacts does.
func (s *SOAR) SendArtifactAction(ctx context.Context, incident int64, a Artifact, opts ...InvokeOption) (Invocation, error) {
	o := applyOpts(opts)
	if a.Type == 0 {
		a.Type = resilient.ArtifactDNSName
	}
	now := time.Now().UnixMilli()
	typeName := map[int64]string{1: "IP Address", 2: "DNS Name", 3: "URL", 7: "Email Sender"}[a.Type]
	body := map[string]any{
		"action_id":   21,
		"object_type": map[string]any{"id": resilient.ObjectArtifact, "name": "artifact"},
		"incident": map[string]any{
			"id": incident, "name": fmt.Sprintf("Incident %d", incident), "org_id": s.cfg.Org,
			"create_date": now, "discovered_date": now, "severity_code": 4, "phase_id": 1009,
			"incident_type_ids": []any{}, "properties": map[string]any{},
		},
		"artifact": map[string]any{
			"id": a.ID, "type": map[string]any{"id": a.Type, "name": typeName}, "value": a.Value,
			"description": nil, "inc_id": incident, "created": now, "properties": []any{},
		},
		"properties": map[string]any{},
		"principal":  map[string]any{"display_name": "Admin User", "id": 1, "name": "admin@example.com", "type": "user"},
		"timestamp":  now,
	}
	return s.dispatch(ctx, resilient.PayloadAction, body, o)
}

func applyOpts(opts []InvokeOption) invokeOpts {
	var o invokeOpts
	for _, f := range opts {
		f(&o)
	}
	return o
}

func (s *SOAR) dispatch(ctx context.Context, payload string, body any, o invokeOpts) (Invocation, error) {
	if err := ctx.Err(); err != nil {
		return Invocation{}, err
	}
	b := o.rawBody
	if b == nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return Invocation{}, fmt.Errorf("soarsim: encode %s: %w", payload, err)
		}
	}
	cid := "invid:" + strconv.FormatInt(s.nextInv.Add(1), 10)
	now := time.Now()
	h := map[string]string{
		resilient.HeaderReplyTo:       s.ReplyTo(),
		resilient.HeaderCorrelationID: cid,
		resilient.HeaderPayload:       payload,
		resilient.HeaderContextToken:  contextToken(s.cfg.Org, now),
		resilient.HeaderContentType:   "application/json",
		resilient.HeaderRemoteAddr:    "127.0.0.1",
		resilient.HeaderTimestamp:     strconv.FormatInt(now.UnixMilli(), 10),
		"persistent":                  "true",
		"priority":                    "4",
		"expires":                     "0",
	}
	if o.noReplyTo {
		delete(h, resilient.HeaderReplyTo)
	}
	for k, v := range o.headers {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	if err := s.sendFrame(ctx, h, b); err != nil {
		return Invocation{}, err
	}
	inv := Invocation{CorrelationID: cid, Payload: payload, SentAt: now}
	if fn, ok := body.(map[string]any)["function"].(map[string]any); ok {
		inv.Function, _ = fn["name"].(string)
	}
	s.mu.Lock()
	s.sent = append(s.sent, inv)
	s.mu.Unlock()
	return inv, nil
}

// contextToken is a JWT-shaped Co3ContextToken (header.claims.signature).
func contextToken(org int64, now time.Time) string {
	enc := base64.RawURLEncoding
	claims := fmt.Sprintf(`{"org":%d,"iat":%d,"sim":"soarsim"}`, org, now.Unix())
	return enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString([]byte(strconv.FormatInt(now.UnixNano(), 36)))
}

// Workflow programmatic names and display names of the seed app.
var workflowNames = map[string]string{
	"domaintools_profile_domain_with_iris": "DomainTools: Profile Domain with Iris",
	"domaintools_check_domain":             "DomainTools: Check Domain Risk Score",
	"domaintools_check_domain_tags":        "DomainTools: Check Domain Tags Template",
	"domaintools_auto_pivot_with_iris":     "DomainTools: Auto Pivot with Iris",
}

var workflowIDs = map[string]int64{
	"domaintools_profile_domain_with_iris": 4,
	"domaintools_check_domain":             5,
	"domaintools_check_domain_tags":        6,
	"domaintools_auto_pivot_with_iris":     7,
}

func workflowObject(programmatic string) map[string]any {
	if programmatic == "" {
		programmatic = "domaintools_profile_domain_with_iris"
	}
	name := workflowNames[programmatic]
	if name == "" {
		name = programmatic
	}
	return map[string]any{
		"actions": []any{}, "description": nil, "name": name,
		"object_type":       map[string]any{"id": resilient.ObjectArtifact, "name": "artifact"},
		"programmatic_name": programmatic, "tags": []any{}, "uuid": nil, "workflow_id": workflowIDs[programmatic],
	}
}

// Text is a rich-text input value.
type Text struct{ Format, Content string }

// select and multiselect inputs of the seed app, with their value ids.
var selectValues = map[string]map[string]int64{
	"dt_format_type":    {"JSON": 201, "Text": 202},
	"dt_format_options": {"Analytics": 211, "Identity": 212, "Registration": 213, "Hosting": 214},
	"dt_pivot_type": {
		"ssl_hash": 301, "ip": 302, "email": 303, "email_domain": 304, "nameserver_host": 305, "nameserver_domain": 306,
		"nameserver_ip": 307, "registrant": 308, "registrant_org": 309, "mailserver_host": 310, "mailserver_domain": 311,
		"mailserver_ip": 312, "redirect_domain": 313, "ssl_org": 314, "ssl_subject": 315, "ssl_email": 316,
		"google_analytics": 317, "adsense": 318, "baidu_analytics": 319,
	},
}

var multiSelects = map[string]bool{"dt_format_options": true}

// EncodeInputs encodes function inputs the way SOAR puts them on the wire.
func EncodeInputs(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		vals, isSelect := selectValues[k]
		choice := func(name string) map[string]any {
			id, ok := vals[name]
			if !ok {
				id = 999
			}
			return map[string]any{"id": id, "name": name}
		}
		switch x := v.(type) {
		case Text:
			out[k] = map[string]any{"format": x.Format, "content": x.Content}
		case string:
			if isSelect && multiSelects[k] {
				out[k] = []any{choice(x)}
			} else if isSelect {
				out[k] = choice(x)
			} else {
				out[k] = x
			}
		case []string:
			list := make([]any, len(x))
			for i, n := range x {
				if isSelect {
					list[i] = choice(n)
				} else {
					list[i] = n
				}
			}
			out[k] = list
		default:
			out[k] = v
		}
	}
	return out
}
