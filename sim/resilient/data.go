package resilientsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// Errors of the data mutators; the REST handlers map them to statuses.
var (
	ErrNoOrg         = errors.New("resilientsim: no such org")
	ErrNoIncident    = errors.New("resilientsim: no such incident")
	ErrNoTable       = errors.New("resilientsim: no such data table")
	ErrUnknownColumn = errors.New("resilientsim: unknown column")
	ErrBadArtifact   = errors.New("resilientsim: bad artifact")
)

// artifactTypes are the artifact types the sim knows (id -> name).
var artifactTypes = map[int64]string{
	resilient.ArtifactIPAddress: "IP Address",
	resilient.ArtifactDNSName:   "DNS Name",
}

type incident struct {
	inc       resilient.Incident
	notes     []resilient.Comment
	rows      map[string][]resilient.TableRow
	artifacts []resilient.Artifact
}

type org struct {
	incidents map[int64]*incident
}

// data is the sim's state; every method expects s.mu held.
type data struct {
	orgs   map[int64]*org
	tables map[string][]string // table -> columns
	nextID map[string]int64    // kind -> next id
}

func newData(cfg Config) *data {
	d := &data{
		orgs:   map[int64]*org{},
		tables: map[string][]string{resilient.ResultsTable: slices.Clone(resilient.ResultsColumns)},
		nextID: map[string]int64{"incident": DemoIncident + 1, "note": 1, "row": 1, "artifact": 1},
	}
	if cfg.NoResultsTable {
		delete(d.tables, resilient.ResultsTable)
	}
	for name, cols := range cfg.Tables {
		d.tables[name] = slices.Clone(cols)
	}
	for _, id := range cfg.Orgs {
		d.orgs[id] = &org{incidents: map[int64]*incident{}}
	}
	if _, ok := d.orgs[DemoOrg]; ok {
		d.seedDemo()
	}
	return d
}

func (d *data) id(kind string) int64 {
	id := d.nextID[kind]
	d.nextID[kind]++
	return id
}

// seedDemo loads incident 4206 of the seed guide with its four DNS Name artifacts.
func (d *data) seedDemo() {
	created := time.Date(2019, 8, 2, 10, 30, 0, 0, time.UTC)
	d.orgs[DemoOrg].incidents[DemoIncident] = &incident{
		inc:  newIncident(DemoOrg, DemoIncident, DemoIncidentName, "High", "Engage", []string{"Lost documents / files / records"}, created),
		rows: map[string][]resilient.TableRow{},
	}
	for _, a := range []struct {
		value string
		at    string
	}{
		{"equifaxbreachsettlement.com", "10:40"},
		{"icloud.com-asia.info", "10:51"},
		{"int-chase.com", "10:53"},
		{"thegreatwatermelonheist.blog", "10:53"},
	} {
		t, _ := time.Parse("2006-01-02 15:04", "2019-08-02 "+a.at)
		_, _, _ = d.addArtifact(DemoOrg, DemoIncident, resilient.ArtifactDNSName, a.value, resilient.Text{}, nil, t)
	}
}

func (d *data) incident(orgID, id int64) (*incident, error) {
	o, ok := d.orgs[orgID]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrNoOrg, orgID)
	}
	inc, ok := o.incidents[id]
	if !ok {
		return nil, fmt.Errorf("%w: %d in org %d", ErrNoIncident, id, orgID)
	}
	return inc, nil
}

func (d *data) createIncident(orgID int64, name string, now time.Time) int64 {
	o, ok := d.orgs[orgID]
	if !ok {
		o = &org{incidents: map[int64]*incident{}}
		d.orgs[orgID] = o
	}
	id := d.id("incident")
	o.incidents[id] = &incident{
		inc:  newIncident(orgID, id, name, "Low", "Respond", nil, now),
		rows: map[string][]resilient.TableRow{},
	}
	return id
}

func (d *data) addNote(orgID, incID int64, text resilient.Text, parent *int64, now time.Time) (resilient.Comment, error) {
	inc, err := d.incident(orgID, incID)
	if err != nil {
		return resilient.Comment{}, err
	}
	c := resilient.Comment{
		ID: d.id("note"), ParentID: parent, Text: text, UserID: 1, IncidentID: incID,
		CreateDate: resilient.MS(now), ModifyDate: resilient.MS(now),
		Extra: resilient.Extra{
			"type":       json.RawMessage(`"incident"`),
			"user_fname": json.RawMessage(`"irisflow"`),
			"user_lname": json.RawMessage(`"integration"`),
			"inc_name":   mustRaw(inc.inc.Name),
			"children":   json.RawMessage(`[]`),
			"is_deleted": json.RawMessage(`false`),
		},
	}
	inc.notes = append(inc.notes, c)
	return c, nil
}

func (d *data) addRow(orgID, incID int64, table string, cells map[string]any) (resilient.TableRow, error) {
	inc, err := d.incident(orgID, incID)
	if err != nil {
		return resilient.TableRow{}, err
	}
	cols, ok := d.tables[table]
	if !ok {
		return resilient.TableRow{}, fmt.Errorf("%w: %q", ErrNoTable, table)
	}
	if len(cells) == 0 {
		return resilient.TableRow{}, fmt.Errorf("%w: a row needs at least one cell", ErrUnknownColumn)
	}
	for col := range cells {
		if !slices.Contains(cols, col) {
			return resilient.TableRow{}, fmt.Errorf("%w: %q is not a field of data table %q", ErrUnknownColumn, col, table)
		}
	}
	row := resilient.TableRow{ID: d.id("row"), Cells: map[string]resilient.Cell{}, Version: 1,
		Extra: resilient.Extra{"actions": json.RawMessage(`[]`), "playbooks": json.RawMessage(`[]`)}}
	for col, v := range cells {
		row.Cells[col] = resilient.Cell{ID: col, RowID: row.ID, Value: v}
	}
	inc.rows[table] = append(inc.rows[table], row)
	return row, nil
}

// addArtifact creates an artifact, or for a DNS Name whose value already
// exists on the incident (case-insensitively) returns the existing one with
// created=false, unless props carry allow_duplicate=true.
func (d *data) addArtifact(orgID, incID int64, typ int64, value string, desc resilient.Text, props []resilient.Property, now time.Time) (resilient.Artifact, bool, error) {
	inc, err := d.incident(orgID, incID)
	if err != nil {
		return resilient.Artifact{}, false, err
	}
	name, ok := artifactTypes[typ]
	if !ok {
		return resilient.Artifact{}, false, fmt.Errorf("%w: unknown artifact type %d", ErrBadArtifact, typ)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return resilient.Artifact{}, false, fmt.Errorf("%w: empty value", ErrBadArtifact)
	}
	if typ == resilient.ArtifactDNSName && !allowDuplicate(props) {
		for _, a := range inc.artifacts {
			if a.Type.ID == typ && strings.EqualFold(a.Value, value) {
				return a, false, nil
			}
		}
	}
	a := resilient.Artifact{
		ID: d.id("artifact"), Type: resilient.Ref{ID: typ, Name: name}, Value: value,
		Description: desc, Properties: props, IncidentID: incID, Created: resilient.MS(now),
		Extra: resilient.Extra{"inc_name": mustRaw(inc.inc.Name), "hits": json.RawMessage(`[]`), "relating": json.RawMessage(`null`)},
	}
	inc.artifacts = append(inc.artifacts, a)
	return a, true, nil
}

func allowDuplicate(props []resilient.Property) bool {
	for _, p := range props {
		if p.Name == "allow_duplicate" {
			switch v := p.Value.(type) {
			case bool:
				return v
			case string:
				return strings.EqualFold(v, "true")
			}
		}
	}
	return false
}

func mustRaw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
