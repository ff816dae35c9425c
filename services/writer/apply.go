package writer

import (
	"context"
	"fmt"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
)

// post creates the command's object in Resilient with one POST and returns
// its id. The POST is not repeated here: after an ambiguous failure the
// caller leaves the ledger pending and the next delivery reconciles.
func post(ctx context.Context, c *resilient.Client, cmd *flow.WriteCommand) (int64, error) {
	switch cmd.Kind {
	case flow.WriteNote:
		n, err := c.AddNote(ctx, cmd.IncidentID, resilient.Note{Format: cmd.Note.Format, Content: cmd.Note.Content})
		if err != nil {
			return 0, err
		}
		return n.ID, nil
	case flow.WriteRow:
		r, err := c.AddRow(ctx, cmd.IncidentID, cmd.Row.Table, cmd.Row.Cells)
		if err != nil {
			return 0, err
		}
		return r.ID, nil
	case flow.WriteArtifact:
		a, err := c.CreateArtifact(ctx, cmd.IncidentID, artifactSpec(cmd.Artifact))
		if err != nil {
			return 0, err
		}
		return a.ID, nil
	}
	// Decode validated the kind; this is a programming error.
	return 0, flow.Permanentf("write command %s: unknown kind %q", cmd.ID, cmd.Kind)
}

// artifactSpec is the artifact to create for a command. The pivot depth is
// irisflow's own bookkeeping and is not sent to Resilient.
func artifactSpec(a *flow.Artifact) resilient.ArtifactSpec {
	return resilient.ArtifactSpec{Type: a.Type, Value: a.Value, Description: a.Description}
}

// objectNoun names what a command writes, for messages to analysts.
func objectNoun(cmd *flow.WriteCommand) string {
	switch cmd.Kind {
	case flow.WriteRow:
		if cmd.Row != nil {
			return fmt.Sprintf("a row of data table %s", cmd.Row.Table)
		}
	case flow.WriteArtifact:
		if cmd.Artifact != nil {
			return fmt.Sprintf("the artifact %s", cmd.Artifact.Value)
		}
	}
	return "a note"
}
