package resilientsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// CreateIncident creates an incident named name in org (creating the org
// if the sim does not have it) and returns its id.
func (s *Sim) CreateIncident(org int64, name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.createIncident(org, name, s.now())
}

// AddArtifact adds an artifact of type typ to an incident, with the same
// DNS Name dedup as the REST API (an existing value is answered, not
// duplicated); created says whether this call made it. It returns the zero
// Artifact when the org, incident or type does not exist or value is empty.
func (s *Sim) AddArtifact(org, incident int64, typ int, value string) (a resilient.Artifact, created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, created, err := s.data.addArtifact(org, incident, int64(typ), value, resilient.Text{}, nil, s.now())
	if err != nil {
		return resilient.Artifact{}, false
	}
	return a, created
}

// AddNote adds a note to an incident as a workflow script would (format
// "text" or "html"; empty means text). It returns the zero Comment when
// the org or incident does not exist.
func (s *Sim) AddNote(org, incident int64, format, content string) resilient.Comment {
	if format == "" {
		format = resilient.FormatText
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.data.addNote(org, incident, resilient.Text{Format: format, Content: content}, nil, s.now())
	if err != nil {
		return resilient.Comment{}
	}
	return c
}

// AddRow adds a data-table row as a workflow script would. Cell values are
// stored as they would arrive over JSON (numbers as json.Number). It fails
// with ErrNoOrg / ErrNoIncident / ErrNoTable / ErrUnknownColumn.
func (s *Sim) AddRow(org, incident int64, table string, cells map[string]any) (resilient.TableRow, error) {
	normal, err := jsonRoundTrip(cells)
	if err != nil {
		return resilient.TableRow{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.addRow(org, incident, table, normal)
}

func jsonRoundTrip(cells map[string]any) (map[string]any, error) {
	b, err := json.Marshal(cells)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// Notes returns the notes of an incident, oldest first (nil if unknown).
func (s *Sim) Notes(org, incident int64) []resilient.Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.data.incident(org, incident)
	if err != nil {
		return nil
	}
	return slices.Clone(inc.notes)
}

// Rows returns the rows of a data table of an incident, oldest first.
func (s *Sim) Rows(org, incident int64, table string) []resilient.TableRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.data.incident(org, incident)
	if err != nil {
		return nil
	}
	return slices.Clone(inc.rows[table])
}

// Artifacts returns the artifacts of an incident, oldest first; Type has
// both id and name.
func (s *Sim) Artifacts(org, incident int64) []resilient.Artifact {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, err := s.data.incident(org, incident)
	if err != nil {
		return nil
	}
	return slices.Clone(inc.artifacts)
}

// Incidents returns the incidents of org by id.
func (s *Sim) Incidents(org int64) []resilient.Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.data.orgs[org]
	if !ok {
		return nil
	}
	out := make([]resilient.Incident, 0, len(o.incidents))
	for _, inc := range o.incidents {
		out = append(out, inc.inc)
	}
	slices.SortFunc(out, func(a, b resilient.Incident) int { return int(a.ID - b.ID) })
	return out
}

// simIncidents: GET /_sim/orgs/{org}/incidents: incidents with object counts.
func (s *Sim) simIncidents(w http.ResponseWriter, r *http.Request) {
	org, err := strconv.ParseInt(r.PathValue("org"), 10, 64)
	if err != nil {
		write(w, errorReply(http.StatusNotFound, "no such org"))
		return
	}
	var out []map[string]any
	for _, inc := range s.Incidents(org) {
		rows := 0
		s.mu.Lock()
		i, _ := s.data.incident(org, inc.ID)
		for _, rs := range i.rows {
			rows += len(rs)
		}
		notes, arts := len(i.notes), len(i.artifacts)
		s.mu.Unlock()
		out = append(out, map[string]any{"id": inc.ID, "name": inc.Name, "notes": notes, "rows": rows, "artifacts": arts})
	}
	write(w, reply{status: http.StatusOK, body: out})
}

// simIncident: GET /_sim/orgs/{org}/incidents/{inc}: the incident with its
// notes, rows by table and artifacts.
func (s *Sim) simIncident(w http.ResponseWriter, r *http.Request) {
	org, err1 := strconv.ParseInt(r.PathValue("org"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("inc"), 10, 64)
	s.mu.Lock()
	var inc *incident
	var err error
	if err1 == nil && err2 == nil {
		inc, err = s.data.incident(org, id)
	}
	if inc == nil || err != nil {
		s.mu.Unlock()
		write(w, errorReply(http.StatusNotFound, "no such incident"))
		return
	}
	rows := map[string][]resilient.TableRow{}
	for t, rs := range inc.rows {
		rows[t] = slices.Clone(rs)
	}
	body := map[string]any{
		"incident":  renderIncident(inc.inc, true),
		"notes":     slices.Clone(inc.notes),
		"rows":      rows,
		"artifacts": slices.Clone(inc.artifacts),
	}
	s.mu.Unlock()
	write(w, reply{status: http.StatusOK, body: body})
}

// simRequests: GET /_sim/requests: request counts by route.
func (s *Sim) simRequests(w http.ResponseWriter, _ *http.Request) {
	write(w, reply{status: http.StatusOK, body: map[string]any{"total": s.Requests(), "by_route": s.RequestCounts()}})
}
