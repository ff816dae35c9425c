package enricher

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/work"
)

// Write command id suffixes of the automatic playbook, after the
// invocation id. They make the commands of a redelivered action identical,
// so the WRITES stream (and the writer's ledger) keep one of each.
const (
	WriteIDRow          = "/row"
	WriteIDProfiledNote = "/note/profiled"
	WriteIDHighRiskNote = "/note/high-risk"
	WriteIDNotFoundNote = "/note/not-found"
	WriteIDTagNote      = "/note/tag/" // + the tag label, lower case
	AutoPivotIDSuffix   = "/autopivot"
)

// playbookWorker runs the automatic playbook for a DNS Name artifact event:
// profile (through the cache), one domaintools_results row and the notes,
// the artifact recorded on the incident, the auto-pivot when configured,
// then the action's acknowledgement.
type playbookWorker struct{ s *service }

func (playbookWorker) Inputs(m *work.Message) (*resilient.ActionData, error) {
	if m.Action == nil {
		return nil, work.BadInput("%s work needs a rule action (%s), got payload %q", m.Invocation.Kind, flow.PayloadAction, m.Invocation.Payload)
	}
	return m.Action, nil
}

func (w playbookWorker) Work(ctx context.Context, c *work.Call[*resilient.ActionData]) (work.Ack, error) {
	s, inv, ad := w.s, c.Invocation, c.In
	pb := s.cfg.playbook(inv.Org)
	if !pb.IsAutomatic() {
		return work.Ack(fmt.Sprintf("irisflow: the automatic playbook is off for org %d", inv.Org)), nil
	}
	art := ad.Artifact
	if art == nil {
		return "", flow.Permanentf("action %s carries no artifact", inv.ID)
	}
	if !isDNSName(art.Type) {
		return work.Ack(fmt.Sprintf("irisflow: artifact %d is not a DNS Name; nothing to do", art.ID)), nil
	}
	incident := inv.IncidentID
	if ad.Incident != nil && ad.Incident.ID != 0 {
		incident = ad.Incident.ID
	}
	if incident == 0 {
		incident = art.IncidentID
	}
	if incident == 0 {
		return "", flow.Permanentf("action %s names no incident", inv.ID)
	}
	n, err := normalize("artifact value", art.Value)
	if err != nil {
		return "", err
	}
	name := displayName(n)
	log := c.Log.With("domain", n.ASCII, "artifact", art.ID)
	if incident != inv.IncidentID { // the work layer's logger names the invocation's incident
		log = log.With("incident", incident)
	}

	claim := store.IncidentDomain{Domain: n.ASCII, Depth: inv.Depth, Origin: store.OriginAnalyst}
	if art.ID != 0 {
		claim.ArtifactID = &art.ID
	}
	if _, err := s.cfg.Store.ClaimIncidentDomains(ctx, inv.Org, incident, []store.IncidentDomain{claim}); err != nil {
		return "", fmt.Errorf("record artifact: %w", err)
	}

	ps, err := s.profiler.Profile(ctx, []string{n.ASCII}, false)
	if err != nil {
		return "", err
	}
	p := ps[n.ASCII]

	cmds := s.playbookWrites(inv, incident, name, p, pb)
	for _, cmd := range cmds {
		c.Write(cmd)
	}
	pivoted := false
	if pb.AutoPivot && p.Found() {
		next, err := s.autoPivot(ctx, inv, incident, art.ID, n.ASCII, pb)
		if err != nil {
			return "", err
		}
		if next != nil {
			c.Then(next)
			pivoted = true
		}
	}
	log.Info("playbook done", "found", p.Found(), "cached", p.Cached, "writes", len(cmds), "autopivot", pivoted)
	return work.Ack(ackText(name, p, len(cmds), pivoted)), nil
}

// playbookWrites are the write commands of the playbook, with
// deterministic ids.
func (s *service) playbookWrites(inv *flow.Invocation, incident int64, name string, p Profiled, pb PlaybookConfig) []*flow.WriteCommand {
	reply := replyRoute(inv)
	cmd := func(suffix string, kind flow.WriteKind) *flow.WriteCommand {
		return &flow.WriteCommand{
			ID: inv.ID + suffix, InvocationID: inv.ID, Org: inv.Org, IncidentID: incident,
			Kind: kind, Reply: reply, ContextToken: inv.ContextToken, CreatedAt: s.cfg.Now().UTC(),
		}
	}
	note := func(suffix, text string) *flow.WriteCommand {
		c := cmd(suffix, flow.WriteNote)
		c.Note = &flow.Note{Format: "text", Content: text}
		return c
	}
	if !p.Found() {
		return []*flow.WriteCommand{
			note(WriteIDProfiledNote, seed.NoteProfiled(name)),
			note(WriteIDNotFoundNote, seed.NoteDomainNotFound(name)),
		}
	}
	row := cmd(WriteIDRow, flow.WriteRow)
	row.Row = &flow.Row{Table: seed.TableName, Cells: seed.Row(seed.Format(p.Result, nil, s.cfg.Now()))}
	out := []*flow.WriteCommand{row, note(WriteIDProfiledNote, seed.NoteProfiled(name))}
	if ri := seed.Risk(p.Result); ri.HighRisk(pb.RiskThreshold) {
		out = append(out, note(WriteIDHighRiskNote, seed.NoteHighRisk(name, *ri.Score)))
	}
	_, matched := seed.Tags(p.Result, pb.Tags)
	for _, label := range matched {
		out = append(out, note(WriteIDTagNote+tagID(label), seed.NoteTag(name, label)))
	}
	return out
}

// autoPivot is the pivoter's work for the domain, nil when its pivot depth
// on the incident has reached the configured maximum.
func (s *service) autoPivot(ctx context.Context, inv *flow.Invocation, incident, artifactID int64, domain string, pb PlaybookConfig) (*flow.Invocation, error) {
	depth, _, err := s.cfg.Store.PivotDepth(ctx, inv.Org, incident, domain, inv.Depth)
	if err != nil {
		return nil, fmt.Errorf("auto-pivot depth: %w", err)
	}
	if depth >= pb.PivotMaxDepth {
		return nil, nil
	}
	body, err := json.Marshal(flow.AutoPivot{
		Domain: domain, IncidentID: incident, ArtifactID: artifactID, Depth: depth,
		Types: pb.PivotTypes, Threshold: pb.PivotThreshold, Reply: replyRoute(inv),
	})
	if err != nil {
		return nil, fmt.Errorf("auto-pivot body: %w", err)
	}
	return &flow.Invocation{
		Version: flow.Version, ID: inv.ID + AutoPivotIDSuffix, ParentID: inv.ID, Kind: flow.KindPivotsAuto,
		// The action is acknowledged here; the pivoter's work has no reply-to
		// of its own, its results are notes and artifacts.
		Route:        flow.Route{Org: inv.Org, Destination: inv.Destination},
		Payload:      flow.PayloadInternal,
		ContextToken: inv.ContextToken,
		IncidentID:   incident, ArtifactID: artifactID, Depth: depth,
		Body: body,
	}, nil
}

// replyRoute is inv's route when it can be replied to, else nil.
func replyRoute(inv *flow.Invocation) *flow.Route {
	if !inv.Route.CanReply() {
		return nil
	}
	r := inv.Route
	return &r
}

func isDNSName(t resilient.Ref) bool {
	return t.ID == resilient.ArtifactDNSName || strings.EqualFold(t.Name, "DNS Name")
}

// tagID makes a tag label safe as part of a message id.
func tagID(label string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '_'
	}, strings.TrimSpace(label))
}

func ackText(name string, p Profiled, writes int, pivoted bool) string {
	if !p.Found() {
		return fmt.Sprintf("irisflow: DomainTools Iris has no data for %s", name)
	}
	risk := "no risk score"
	if s, ok := p.Result.RiskScore(); ok {
		risk = fmt.Sprintf("risk %d", s)
	}
	text := fmt.Sprintf("irisflow: profiled %s (%s); %d writes queued", name, risk, writes)
	if pivoted {
		text += "; auto-pivot started"
	}
	return text
}
