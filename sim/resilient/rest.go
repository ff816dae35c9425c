package resilientsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// reply is what a REST handler answers.
type reply struct {
	status  int
	body    any
	cookies []*http.Cookie
	// after runs once the sim's lock is released (rules fired by the request).
	after func()
}

func errorReply(status int, msg string) reply {
	return reply{status: status, body: map[string]any{
		"success": false, "title": nil, "message": msg, "hints": []string{}, "error_code": "generic",
	}}
}

// route registers a REST handler wrapped with request recording, latency,
// injected faults, auth (when auth is set) and the per-credential rate
// limit. The handler runs with s.mu held, so a POST and its after-commit
// fault are atomic.
func (s *Sim) route(pattern string, auth bool, h func(*http.Request, string) reply) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		rec := Request{Method: r.Method, Path: r.URL.Path, Route: pattern,
			ContextToken: r.Header.Get("X-Co3ContextToken"), At: time.Now()}
		if s.cfg.Latency > 0 {
			t := time.NewTimer(s.cfg.Latency)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		rep := s.serve(r, auth, h, &rec)
		rec.Status = rep.status
		s.record(rec)
		write(w, rep)
		if rep.after != nil {
			rep.after() // before the handler returns, so the client sees the reply after the rule fired
		}
	})
}

func (s *Sim) serve(r *http.Request, auth bool, h func(*http.Request, string) reply, rec *Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.preFault(); st != 0 {
		return errorReply(st, "simulated failure")
	}
	principal := ""
	if auth {
		if principal = s.authenticate(r); principal == "" {
			return errorReply(http.StatusUnauthorized, "Unauthorized")
		}
		rec.Principal = principal
		if s.rateLimited(principal, s.now()) {
			return errorReply(http.StatusTooManyRequests, "Too many requests")
		}
	}
	rep := h(r, principal)
	if s.afterCommitFault(r.Method, rep.status) {
		fail := errorReply(http.StatusInternalServerError, "simulated failure after commit")
		fail.after = rep.after // the object exists: its rules fire
		return fail
	}
	return rep
}

func write(w http.ResponseWriter, rep reply) {
	for _, c := range rep.cookies {
		http.SetCookie(w, c)
	}
	if rep.status == http.StatusTooManyRequests || rep.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		http.Error(w, "resilientsim: encode reply: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(b)
}

// incidentOf resolves {org}/{inc} of the path: 403 for an org the sim does
// not have (the caller is not a member), 404 for a missing incident.
func (s *Sim) incidentOf(r *http.Request) (int64, *incident, *reply) {
	orgID, fail := s.orgOf(r)
	if fail != nil {
		return 0, nil, fail
	}
	incID, err := strconv.ParseInt(r.PathValue("inc"), 10, 64)
	if err != nil {
		rep := errorReply(http.StatusNotFound, "no such incident")
		return 0, nil, &rep
	}
	inc, err := s.data.incident(orgID, incID)
	if err != nil {
		rep := errorReply(http.StatusNotFound, "Incident "+r.PathValue("inc")+" not found")
		return 0, nil, &rep
	}
	return orgID, inc, nil
}

func names(r *http.Request) bool { return r.URL.Query().Get("handle_format") == "names" }

// renderRef shows a reference as SOAR does: the name with
// handle_format=names, else the id (the name when the sim knows no id).
func renderRef(ref resilient.Ref, byName bool) resilient.Ref {
	if (byName && ref.Name != "") || ref.ID == 0 {
		return resilient.Ref{Name: ref.Name}
	}
	return resilient.Ref{ID: ref.ID}
}

func renderArtifact(a resilient.Artifact, byName bool) resilient.Artifact {
	a.Type = renderRef(a.Type, byName)
	return a
}

func (s *Sim) getIncident(r *http.Request, _ string) reply {
	_, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	return reply{status: http.StatusOK, body: renderIncident(inc.inc, names(r))}
}

func (s *Sim) listNotes(r *http.Request, _ string) reply {
	_, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	out := append([]resilient.Comment{}, inc.notes...)
	return reply{status: http.StatusOK, body: out}
}

// postNote: {"text": {"format","content"} | "<text>", "parent_id": opt}.
func (s *Sim) postNote(r *http.Request, _ string) reply {
	orgID, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	var in struct {
		Text     *resilient.Text `json:"text"`
		ParentID *int64          `json:"parent_id"`
	}
	if err := decodeBody(r, &in); err != nil {
		return errorReply(http.StatusBadRequest, err.Error())
	}
	if in.Text == nil || strings.TrimSpace(in.Text.Content) == "" {
		return errorReply(http.StatusBadRequest, "A note needs text")
	}
	if in.Text.Format != resilient.FormatText && in.Text.Format != resilient.FormatHTML {
		return errorReply(http.StatusBadRequest, "Invalid text format: "+in.Text.Format)
	}
	c, err := s.data.addNote(orgID, inc.inc.ID, *in.Text, in.ParentID, s.now())
	if err != nil {
		return errorReply(http.StatusNotFound, err.Error())
	}
	return reply{status: http.StatusOK, body: c}
}

func (s *Sim) listRows(r *http.Request, _ string) reply {
	_, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	table := r.PathValue("table")
	if _, ok := s.data.tables[table]; !ok {
		return errorReply(http.StatusNotFound, "Data table "+table+" not found")
	}
	rows := append([]resilient.TableRow{}, inc.rows[table]...)
	return reply{status: http.StatusOK, body: map[string]any{"table_name": table, "rows": rows}}
}

// postRow: {"cells": {"<col>": {"value": v}}}; an unknown column is a 400.
func (s *Sim) postRow(r *http.Request, _ string) reply {
	orgID, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	var in struct {
		Cells map[string]*struct {
			Value any `json:"value"`
		} `json:"cells"`
	}
	if err := decodeBody(r, &in); err != nil {
		return errorReply(http.StatusBadRequest, err.Error())
	}
	cells := make(map[string]any, len(in.Cells))
	for col, c := range in.Cells {
		if c == nil {
			return errorReply(http.StatusBadRequest, "cell "+col+" needs a value object")
		}
		cells[col] = c.Value
	}
	row, err := s.data.addRow(orgID, inc.inc.ID, r.PathValue("table"), cells)
	switch {
	case errors.Is(err, ErrNoTable):
		return errorReply(http.StatusNotFound, err.Error())
	case err != nil:
		return errorReply(http.StatusBadRequest, err.Error())
	}
	return reply{status: http.StatusOK, body: row}
}

func (s *Sim) listArtifacts(r *http.Request, _ string) reply {
	_, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	out := make([]resilient.Artifact, len(inc.artifacts))
	for i, a := range inc.artifacts {
		out[i] = renderArtifact(a, names(r))
	}
	return reply{status: http.StatusOK, body: out}
}

// postArtifact: {"type": 2 | "DNS Name" | {"id"|"name"}, "value", "description",
// "properties"}. SOAR's real answer shape and allow_duplicate behaviour are
// unknown (protocol doc, open question 4). The sim answers a list of one
// artifact (Config.ArtifactReplyObject: the object), and for a DNS Name
// already on the incident (same value, case-insensitively) it answers the
// existing artifact with 200 and creates nothing, unless the properties say
// allow_duplicate=true.
func (s *Sim) postArtifact(r *http.Request, _ string) reply {
	orgID, inc, fail := s.incidentOf(r)
	if fail != nil {
		return *fail
	}
	var in struct {
		Type        resilient.Ref        `json:"type"`
		Value       string               `json:"value"`
		Description resilient.Text       `json:"description"`
		Properties  []resilient.Property `json:"properties"`
	}
	if err := decodeBody(r, &in); err != nil {
		return errorReply(http.StatusBadRequest, err.Error())
	}
	typ := in.Type.ID
	if typ == 0 {
		for id, name := range artifactTypes {
			if strings.EqualFold(name, in.Type.Name) {
				typ = id
			}
		}
	}
	a, created, err := s.data.addArtifact(orgID, inc.inc.ID, typ, in.Value, in.Description, in.Properties, s.now())
	if err != nil {
		return errorReply(http.StatusBadRequest, err.Error())
	}
	var after func()
	if created && s.onArtifact != nil {
		hook, org, incID, made := s.onArtifact, orgID, inc.inc.ID, a
		after = func() { hook(org, incID, made) }
	}
	a = renderArtifact(a, names(r))
	if s.cfg.ArtifactReplyObject {
		return reply{status: http.StatusOK, body: a, after: after}
	}
	return reply{status: http.StatusOK, body: []resilient.Artifact{a}, after: after}
}

// decodeBody decodes a JSON request body, numbers as json.Number.
func decodeBody(r *http.Request, v any) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 8<<20)); err != nil {
		return errors.New("cannot read request body: " + err.Error())
	}
	d := json.NewDecoder(&buf)
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return errors.New("invalid JSON: " + err.Error())
	}
	return nil
}

func jsonInt(i int64) string { return strconv.FormatInt(i, 10) }
