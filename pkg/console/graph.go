package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/irisflow/irisflow/pkg/snapshot"
	"github.com/irisflow/irisflow/pkg/store"
)

// KindDomain is the node kind of a domain; the other kinds are
// snapshot's value kinds (ip, ns, mx, ssl, email, registrant, track) and
// Iris pivot parameters with no kind of their own.
const KindDomain = "domain"

// Node is one node of the pivot graph.
type Node struct {
	// ID is kind + ":" + value.
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Risk is a domain's newest risk score (nil: unknown or not a domain).
	Risk *int `json:"risk,omitempty"`
}

// Edge links a domain to a value it has (Via "profile": its newest Iris
// profile shows it; "pivot": a recorded pivot run searched it from, or
// found, the domain). Count is Iris's guided count of the value.
type Edge struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Target string `json:"target"`
	Count  int    `json:"count"`
	Via    string `json:"via"`
}

// Graph is GET api/graph: the node asked for and its neighbours.
type Graph struct {
	Center string `json:"center"`
	Nodes  []Node `json:"nodes"`
	Edges  []Edge `json:"edges"`
	// More is true when neighbours were left out (over the per-expansion cap).
	More bool `json:"more"`
}

// Per-expansion caps: a value shared by thousands of domains shows the
// riskiest maxDomains of them.
const (
	maxDomains    = 40
	maxPivotRuns  = 20
	maxRunResults = 25
)

type graphBuilder struct {
	g     Graph
	nodes map[string]int
	edges map[string]bool
}

func nodeID(kind, value string) string { return kind + ":" + value }

func (b *graphBuilder) node(kind, value string, risk *int) string {
	id := nodeID(kind, value)
	if i, ok := b.nodes[id]; ok {
		if risk != nil {
			b.g.Nodes[i].Risk = risk
		}
		return id
	}
	b.nodes[id] = len(b.g.Nodes)
	b.g.Nodes = append(b.g.Nodes, Node{ID: id, Kind: kind, Value: value, Risk: risk})
	return id
}

func (b *graphBuilder) edge(domainID, valueID string, count int, via string) {
	id := domainID + "|" + valueID
	if b.edges[id] {
		return
	}
	b.edges[id] = true
	b.g.Edges = append(b.g.Edges, Edge{ID: id, Source: domainID, Target: valueID, Count: count, Via: via})
}

func (a *api) graph(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	kind, value := q.Get("kind"), strings.ToLower(strings.TrimSpace(q.Get("value")))
	if kind == "" {
		kind = KindDomain
	}
	if value == "" {
		writeError(w, http.StatusBadRequest, "value is required (kind=domain&value=int-chase.com, kind=ip&value=45.77.148.62, …)")
		return
	}
	ctx := r.Context()
	b := &graphBuilder{nodes: map[string]int{}, edges: map[string]bool{}}
	var err error
	if kind == KindDomain {
		var d string
		if d, err = store.NormalizeDomain(value); err == nil {
			b.g.Center = b.node(KindDomain, d, nil)
			err = a.expandDomain(ctx, b, d)
		}
	} else {
		b.g.Center = b.node(kind, value, nil)
		err = a.expandValue(ctx, b, kind, value)
	}
	if err == nil {
		err = a.pivotEdges(ctx, b, value)
	}
	if err == nil {
		err = a.fillRisk(ctx, b)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if b.g.Edges == nil {
		b.g.Edges = []Edge{}
	}
	writeJSON(w, http.StatusOK, b.g)
}

// expandDomain adds the values of d's newest profile.
func (a *api) expandDomain(ctx context.Context, b *graphBuilder, d string) error {
	latest, err := a.cfg.Store.LatestProfiles(ctx, []string{d}, 0)
	if err != nil {
		return err
	}
	p, ok := latest[d]
	if !ok {
		return nil
	}
	b.node(KindDomain, d, p.RiskScore)
	f, err := snapshot.Of(p)
	if err != nil {
		return err
	}
	for _, v := range f.Values {
		b.edge(nodeID(KindDomain, d), b.node(v.Kind, v.Value, nil), v.Count, "profile")
	}
	return nil
}

// searchFilterFor is the search for domains whose newest profile has the
// value; false for kinds the store does not index.
func searchFilterFor(kind, value string) (store.SearchFilter, bool) {
	f := store.SearchFilter{Limit: maxDomains + 1}
	switch kind {
	case snapshot.KindIP:
		f.IP = value
	case snapshot.KindNameServer:
		f.NameServer = value
	case snapshot.KindMX:
		f.MX = value
	case snapshot.KindSSL:
		f.SSLHash = value
	case snapshot.KindEmail:
		f.Email = value
	case snapshot.KindRegistrant:
		f.Registrant = value
	case snapshot.KindTracking:
		f.TrackingCode = value
	default:
		return f, false
	}
	return f, true
}

// expandValue adds the domains whose newest profile has the value, riskiest
// first.
func (a *api) expandValue(ctx context.Context, b *graphBuilder, kind, value string) error {
	f, ok := searchFilterFor(kind, value)
	if !ok {
		return nil
	}
	ps, err := a.cfg.Store.Search(ctx, f)
	if err != nil {
		return err
	}
	if len(ps) > maxDomains {
		ps, b.g.More = ps[:maxDomains], true
	}
	center := nodeID(kind, value)
	for _, p := range ps {
		count := 0
		if fc, err := snapshot.Of(p); err == nil {
			for _, v := range fc.Values {
				if v.Kind == kind && v.Value == value {
					count = v.Count
				}
			}
		}
		b.edge(b.node(KindDomain, p.Domain, p.RiskScore), center, count, "profile")
	}
	return nil
}

// pivotEdges adds the recorded pivot runs of query (a domain as source or
// find, or a pivot value): source → value → found domains.
func (a *api) pivotEdges(ctx context.Context, b *graphBuilder, query string) error {
	runs, err := a.cfg.Store.PivotRunsFor(ctx, query, maxPivotRuns)
	if err != nil {
		return err
	}
	if len(runs) == maxPivotRuns {
		b.g.More = true
	}
	for _, run := range runs {
		val := b.node(snapshot.KindOfPivot(run.Type), strings.ToLower(strings.TrimSpace(run.Value)), nil)
		if run.SourceDomain != "" {
			b.edge(b.node(KindDomain, run.SourceDomain, nil), val, run.GuidedCount, "pivot")
		}
		for i, res := range run.Results {
			if i == maxRunResults {
				b.g.More = true
				break
			}
			b.edge(b.node(KindDomain, res.Domain, res.RiskScore), val, run.GuidedCount, "pivot")
		}
	}
	return nil
}

// fillRisk gives every domain node its newest stored risk score.
func (a *api) fillRisk(ctx context.Context, b *graphBuilder) error {
	var ds []string
	for _, n := range b.g.Nodes {
		if n.Kind == KindDomain {
			ds = append(ds, n.Value)
		}
	}
	latest, err := a.cfg.Store.LatestProfiles(ctx, ds, 0)
	if err != nil {
		return err
	}
	for i, n := range b.g.Nodes {
		if p, ok := latest[n.Value]; ok && n.Kind == KindDomain && p.RiskScore != nil {
			b.g.Nodes[i].Risk = p.RiskScore
		}
	}
	return nil
}
