package enricher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
)

// Function inputs of the seed app (user guide), plus irisflow's own.
const (
	InputDomain        = "dt_domain_name"
	InputIrisData      = "dt_iris_data_in"
	InputFormatOptions = "dt_format_options"
	InputFormatType    = "dt_format_type"
	InputIncidentID    = "incident_id"
	// InputForceRefresh (boolean) makes a profile skip the cache.
	InputForceRefresh = "dt_force_refresh"
	// InputRiskThreshold (number) overrides the org's risk threshold.
	InputRiskThreshold = "dt_risk_threshold"
	// InputTags (text "a, b" or multiselect) are the tags to check; default
	// the org's playbook tags.
	InputTags = "dt_tags"
)

// subject is what a function works on: one domain, looked up through the
// cache, or Iris data a workflow passed in.
type subject struct {
	name  string // the domain as the reply names it ("" when only data was given)
	ascii string // normalised domain to look up ("" when data was given)
	force bool
	data  []*iris.Result // parsed dt_iris_data_in, when given
	given bool           // dt_iris_data_in was given
}

func (sub subject) label() string {
	switch {
	case sub.name != "":
		return sub.name
	case len(sub.data) > 0:
		return sub.data[0].Domain
	}
	return "the given DomainTools Iris data"
}

// functionWorker answers one of the seed's functions on a domain
// (profile, format, risk, tags): a status reply while the lookup joins its
// batch, then the result.
type functionWorker struct {
	s    *service
	kind flow.Kind
}

// functionCall are a function's inputs: the raw inputs and what they name.
type functionCall struct {
	in  resilient.Inputs
	sub subject
}

var functionVerbs = map[flow.Kind]string{
	flow.KindProfile: "profiling", flow.KindFormat: "formatting DomainTools Iris data of",
	flow.KindRisk: "checking the risk score of", flow.KindTags: "checking the DomainTools Iris tags of",
}

func (w functionWorker) Inputs(m *work.Message) (functionCall, error) {
	in, err := m.Inputs()
	if err != nil {
		return functionCall{}, err
	}
	sub, err := w.s.subject(w.kind, in)
	return functionCall{in: in, sub: sub}, err
}

func (w functionWorker) Work(ctx context.Context, c *work.Call[functionCall]) (map[string]any, error) {
	s, inv, in, sub := w.s, c.Invocation, c.In.in, c.In.sub
	log := c.Log.With("domain", sub.label(), "function", inv.Function)
	// The status goes out while the lookup joins its batch (a publish
	// waits for the stream's ack; lookups should not be spread by it).
	c.Status(ctx, "irisflow: "+functionVerbs[w.kind]+" "+sub.label())
	prof, err := s.resolve(ctx, sub)
	if err != nil {
		return nil, err
	}
	var content map[string]any
	switch w.kind {
	case flow.KindProfile:
		content, err = seed.ProfileContent(seed.Profile{Domain: sub.name, Result: prof.Result,
			FetchedAt: prof.FetchedAt, Cached: prof.Cached, Age: prof.Age})
		if err != nil {
			return nil, flow.Permanent(err)
		}
	case flow.KindFormat:
		content, err = s.formatContent(in, prof)
	case flow.KindRisk:
		content, err = s.riskContent(inv, in, prof)
	case flow.KindTags:
		content = s.tagsContent(inv, in, prof)
	}
	if err != nil {
		return nil, err
	}
	if err := s.rememberOnIncident(ctx, inv, prof); err != nil {
		return nil, err
	}
	log.Info("function answered", "found", prof.Found(), "cached", prof.Cached)
	return content, nil
}

// subject reads the domain and Iris data inputs of a function. Profile
// needs dt_domain_name; the others take dt_iris_data_in, falling back to
// profiling dt_domain_name.
func (s *service) subject(kind flow.Kind, in resilient.Inputs) (subject, error) {
	var sub subject
	if raw, ok := irisDataInput(in); ok && kind != flow.KindProfile {
		data, err := seed.ParseIrisData(raw)
		if err != nil {
			return sub, work.BadInput("%s is not DomainTools Iris data: %v", InputIrisData, err)
		}
		sub.data, sub.given = data, true
	}
	value, hasDomain := in.String(InputDomain)
	hasDomain = hasDomain && strings.TrimSpace(value) != ""
	if hasDomain {
		n, err := normalize(InputDomain, value)
		if err != nil {
			return sub, err
		}
		sub.name, sub.ascii = displayName(n), n.ASCII
	}
	if !sub.given && !hasDomain {
		if kind == flow.KindProfile {
			return sub, work.BadInput("input %s is required", InputDomain)
		}
		return sub, work.BadInput("input %s or %s is required", InputIrisData, InputDomain)
	}
	if force, ok, err := in.Bool(InputForceRefresh); err != nil {
		return sub, work.BadInput("%v", err)
	} else if ok {
		sub.force = force
	}
	return sub, nil
}

// resolve gives the profile a function works on: from dt_iris_data_in when
// given (the result for dt_domain_name if present, else the first), else
// through the cache.
func (s *service) resolve(ctx context.Context, sub subject) (Profiled, error) {
	if sub.given {
		p := Profiled{Domain: sub.ascii, FetchedAt: s.cfg.Now()}
		for _, r := range sub.data {
			if sub.ascii == "" || sameDomain(r.Domain, sub.ascii) {
				p.Result = r
				break
			}
		}
		if p.Result != nil && p.Domain == "" {
			p.Domain = p.Result.Domain
		}
		return p, nil
	}
	ps, err := s.profiler.Profile(ctx, []string{sub.ascii}, sub.force)
	if err != nil {
		return Profiled{}, err
	}
	p, ok := ps[sub.ascii]
	if !ok {
		return Profiled{}, fmt.Errorf("profile of %s: no answer", sub.ascii)
	}
	return p, nil
}

func sameDomain(a, ascii string) bool {
	n, err := normalize("", a)
	return err == nil && n.ASCII == ascii
}

// irisDataInput returns dt_iris_data_in as text: the string a workflow
// passed, or the JSON of an object or list it passed.
func irisDataInput(in resilient.Inputs) (string, bool) {
	raw := bytes.TrimSpace(in[InputIrisData])
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	if raw[0] == '{' || raw[0] == '[' {
		var rt struct {
			Format  string `json:"format"`
			Content string `json:"content"`
		}
		if json.Unmarshal(raw, &rt) == nil && rt.Content != "" && raw[0] == '{' {
			return rt.Content, true // rich text input
		}
		return string(raw), true
	}
	s, ok := in.String(InputIrisData)
	return s, ok && strings.TrimSpace(s) != ""
}

// formatContent is "Format Iris Investigate Data": the labels plus
// "found". For a domain Iris has no data for, every label is "" except
// Domain Name and Retrieval Date, and found is false (the workflow then
// writes "Domain Not Found").
func (s *service) formatContent(in resilient.Inputs, p Profiled) (map[string]any, error) {
	var names []string
	for _, c := range in.MultiSelect(InputFormatOptions) {
		names = append(names, strings.Split(c.Name, ",")...)
	}
	if len(names) == 0 { // a text input: "Analytics, Hosting"
		if s, ok := in.String(InputFormatOptions); ok {
			names = strings.Split(s, ",")
		}
	}
	groups, err := seed.ParseGroups(names)
	if err != nil {
		return nil, work.BadInput("%s: %v", InputFormatOptions, err)
	}
	if t, ok := in.String(InputFormatType); ok && t != "" && !strings.EqualFold(strings.TrimSpace(t), "JSON") {
		return nil, work.BadInput("%s %q is not supported (irisflow formats as JSON)", InputFormatType, t)
	}
	now := s.cfg.Now()
	var labels seed.Labels
	if p.Found() {
		labels = seed.Format(p.Result, groups, now)
	} else {
		labels = seed.Format(&iris.Result{Domain: p.Domain}, []string{}, now)
		for k := range labels {
			if k != seed.LabelDomainName && k != seed.LabelRetrievalDate {
				labels[k] = ""
			}
		}
	}
	content := make(map[string]any, len(labels)+1)
	for k, v := range labels {
		content[k] = v
	}
	content["found"] = p.Found()
	return content, nil
}

// riskContent is "Extract Risk Score".
func (s *service) riskContent(inv *flow.Invocation, in resilient.Inputs, p Profiled) (map[string]any, error) {
	threshold := s.cfg.playbook(inv.Org).RiskThreshold
	if v, ok, err := in.Int(InputRiskThreshold); err != nil {
		return nil, work.BadInput("%v", err)
	} else if ok {
		threshold = int(v)
	}
	content := map[string]any{"domain": domainOf(p), "found": p.Found(), "threshold": threshold, "high_risk": false,
		"risk_score": nil, "proximity_risk_score": nil, "threat_profile_risk_score": nil,
		"components": map[string]int{}, "threats": []string{}, "evidence": []string{}, "zerolisted": false}
	if !p.Found() {
		return content, nil
	}
	ri := seed.Risk(p.Result)
	content["risk_score"] = intOrNil(ri.Score)
	content["proximity_risk_score"] = intOrNil(ri.Proximity)
	content["threat_profile_risk_score"] = intOrNil(ri.ThreatProfile)
	content["components"] = ri.Components
	content["threats"] = ri.Threats
	content["evidence"] = ri.Evidence
	content["zerolisted"] = ri.Zerolisted
	content["high_risk"] = ri.HighRisk(threshold)
	return content, nil
}

// tagsContent is the tag check of "Check Domain Tags".
func (s *service) tagsContent(inv *flow.Invocation, in resilient.Inputs, p Profiled) map[string]any {
	wanted := tagsInput(in)
	if wanted == nil {
		wanted = s.cfg.playbook(inv.Org).Tags
	}
	all, matched := []string{}, []string{}
	if p.Found() {
		all, matched = seed.Tags(p.Result, wanted)
	}
	return map[string]any{"domain": domainOf(p), "found": p.Found(), "tags": all, "matched": matched,
		"tagged": len(matched) > 0, "checked": wanted}
}

// tagsInput reads dt_tags: "a, b" text or a multiselect; nil when absent.
func tagsInput(in resilient.Inputs) []string {
	if !in.Has(InputTags) {
		return nil
	}
	var out []string
	add := func(s string) {
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	if s, ok := in.String(InputTags); ok {
		add(s)
	} else {
		for _, c := range in.MultiSelect(InputTags) {
			add(c.Name)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func domainOf(p Profiled) string {
	if p.Result != nil && p.Result.Domain != "" {
		return p.Result.Domain
	}
	return p.Domain
}

func intOrNil(v *int) any {
	if v == nil {
		return nil
	}
	return *v
}

// rememberOnIncident records that a domain is on an incident when a function
// names the incident (the seed's Profile workflow passes incident_id to
// Format): pivots on that incident then count the domain as known instead
// of creating an artifact for it. An existing record (a pivot's, with its
// depth) is kept.
func (s *service) rememberOnIncident(ctx context.Context, inv *flow.Invocation, p Profiled) error {
	if inv.IncidentID == 0 || p.Domain == "" {
		return nil
	}
	d := store.IncidentDomain{Domain: p.Domain, Depth: inv.Depth, Origin: store.OriginAnalyst}
	if _, err := s.cfg.Store.ClaimIncidentDomains(ctx, inv.Org, inv.IncidentID, []store.IncidentDomain{d}); err != nil {
		return fmt.Errorf("record %s on incident %d: %w", p.Domain, inv.IncidentID, err)
	}
	return nil
}
