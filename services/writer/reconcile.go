package writer

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// reconcile looks in the incident for the object an earlier attempt of cmd
// may have created, which began pending at pendingSince. It reports the
// object's id and whether it was found; an error means it could not look
// (and the command must not be written blindly).
func reconcile(ctx context.Context, c *resilient.Client, cmd *flow.WriteCommand, pendingSince time.Time, skew time.Duration) (int64, bool, error) {
	switch cmd.Kind {
	case flow.WriteNote:
		notes, err := c.ListNotes(ctx, cmd.IncidentID)
		if err != nil {
			return 0, false, err
		}
		id, ok := matchNote(notes, cmd.Note.Content, pendingSince.Add(-skew))
		return id, ok, nil
	case flow.WriteRow:
		rows, err := c.ListRows(ctx, cmd.IncidentID, cmd.Row.Table)
		if err != nil {
			return 0, false, err
		}
		id, ok := matchRow(rows, cmd.Row.Cells)
		return id, ok, nil
	case flow.WriteArtifact:
		arts, err := c.ListArtifacts(ctx, cmd.IncidentID)
		if err != nil {
			return 0, false, err
		}
		id, ok := matchArtifact(arts, cmd.Artifact.Type, cmd.Artifact.Value)
		return id, ok, nil
	}
	return 0, false, flow.Permanentf("write command %s: unknown kind %q", cmd.ID, cmd.Kind)
}

// matchNote finds the earliest note with exactly content (ignoring
// surrounding white space) created at or after notBefore. A note without a
// create date is taken as recent.
func matchNote(notes []resilient.Comment, content string, notBefore time.Time) (int64, bool) {
	want := strings.TrimSpace(content)
	var best *resilient.Comment
	for i := range notes {
		n := &notes[i]
		if strings.TrimSpace(n.Text.Content) != want {
			continue
		}
		if !n.CreateDate.IsZero() && n.CreateDate.Before(notBefore) {
			continue
		}
		if best == nil || n.CreateDate.Before(best.CreateDate.Time) {
			best = n
		}
	}
	if best == nil {
		return 0, false
	}
	return best.ID, true
}

// matchRow finds the newest row (highest id) whose cells equal cells: every
// commanded column holds the same JSON value, and every other column of the
// row is empty.
func matchRow(rows []resilient.TableRow, cells map[string]any) (int64, bool) {
	var id int64
	found := false
	for _, r := range rows {
		if rowEquals(r, cells) && (!found || r.ID > id) {
			id, found = r.ID, true
		}
	}
	return id, found
}

func rowEquals(r resilient.TableRow, cells map[string]any) bool {
	for col, v := range cells {
		got, ok := r.Cells[col]
		if !ok || !sameJSON(got.Value, v) {
			return false
		}
	}
	for col, c := range r.Cells {
		if _, ok := cells[col]; !ok && c.Value != nil {
			return false
		}
	}
	return true
}

// sameJSON compares two values by their JSON encoding (after a round trip,
// so that 3 and 3.0, or a struct and its map, compare equal).
func sameJSON(a, b any) bool {
	na, errA := normalJSON(a)
	nb, errB := normalJSON(b)
	return errA == nil && errB == nil && bytes.Equal(na, nb)
}

func normalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	return json.Marshal(x)
}

// artifactTypeNames are SOAR's names of the artifact types irisflow
// creates, for replies that name the type instead of numbering it.
var artifactTypeNames = map[int]string{
	resilient.ArtifactIPAddress: "IP Address",
	resilient.ArtifactDNSName:   "DNS Name",
}

// matchArtifact finds an artifact of type typ whose value equals value
// (case-insensitively, as SOAR compares DNS names).
func matchArtifact(arts []resilient.Artifact, typ int, value string) (int64, bool) {
	want := strings.TrimSpace(value)
	for _, a := range arts {
		if !sameType(a.Type, typ) || !strings.EqualFold(strings.TrimSpace(a.Value), want) {
			continue
		}
		return a.ID, true
	}
	return 0, false
}

func sameType(r resilient.Ref, typ int) bool {
	if r.ID != 0 {
		return r.ID == int64(typ)
	}
	name, ok := artifactTypeNames[typ]
	return ok && strings.EqualFold(r.Name, name)
}
