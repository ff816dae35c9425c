package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/seed"
	"github.com/irisflow/irisflow/pkg/snapshot"
	"github.com/irisflow/irisflow/pkg/store"
)

type api struct{ cfg Config }

// apiError is every error answer: {"error": "..."}.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// fail answers err: 400 for bad input, 500 (logged, not shown) otherwise.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrInvalid) {
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "store: "))
		return
	}
	a.cfg.Logger.Error("console: request failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error (see the console's log)")
}

// ProfileRow is one domain in a search answer.
type ProfileRow struct {
	Domain        string    `json:"domain"`
	FetchedAt     time.Time `json:"fetched_at"`
	RiskScore     *int      `json:"risk_score"`
	Tags          []string  `json:"tags"`
	CreateDate    string    `json:"create_date,omitempty"`
	Registrar     string    `json:"registrar,omitempty"`
	RegistrantOrg string    `json:"registrant_org,omitempty"`
	FirstIP       string    `json:"first_ip,omitempty"`
	CountryCode   string    `json:"country_code,omitempty"`
}

func rowOf(p store.Profile) ProfileRow {
	r := ProfileRow{Domain: p.Domain, FetchedAt: p.FetchedAt.UTC(), RiskScore: p.RiskScore, Tags: p.Tags, Registrar: p.Registrar,
		RegistrantOrg: p.RegistrantOrg, FirstIP: p.FirstIP, CountryCode: p.CountryCode}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if p.CreateDate != nil {
		r.CreateDate = p.CreateDate.Format(time.DateOnly)
	}
	return r
}

// SearchAnswer is GET api/search.
type SearchAnswer struct {
	Total   int64              `json:"total"`
	Page    int                `json:"page"`
	Limit   int                `json:"limit"`
	Filter  store.SearchFilter `json:"filter"`
	Results []ProfileRow       `json:"results"`
}

func (a *api) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := store.ParseSearchFilter(q.Get, a.cfg.Now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	limit, page := 50, 1
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			writeError(w, http.StatusBadRequest, "limit: want 1..1000")
			return
		}
	}
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			writeError(w, http.StatusBadRequest, "page: want 1 or more")
			return
		}
	}
	f.Limit, f.Offset = limit, (page-1)*limit
	ctx := r.Context()
	total, err := a.cfg.Store.SearchCount(ctx, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ps, err := a.cfg.Store.Search(ctx, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ans := SearchAnswer{Total: total, Page: page, Limit: limit, Filter: f, Results: make([]ProfileRow, 0, len(ps))}
	for _, p := range ps {
		ans.Results = append(ans.Results, rowOf(p))
	}
	writeJSON(w, http.StatusOK, ans)
}

// Field is one label of an option group.
type Field struct {
	Label string `json:"label"`
	Value any    `json:"value"`
}

// Group is one of the seed's option groups (Analytics, Identity,
// Registration, Hosting) of the latest profile, as "Format Iris
// Investigate Data" labels it.
type Group struct {
	Name   string  `json:"name"`
	Fields []Field `json:"fields"`
}

// RiskPoint is one snapshot's risk score.
type RiskPoint struct {
	At    time.Time `json:"at"`
	Score *int      `json:"score"`
}

// SnapshotChanges is what changed in one snapshot since the one before.
type SnapshotChanges struct {
	FetchedAt time.Time `json:"fetched_at"`
	Found     bool      `json:"found"`
	RiskScore *int      `json:"risk_score"`
	Changes   []Change  `json:"changes"`
}

// Change is snapshot.Change with its text.
type Change struct {
	snapshot.Change
	Text string `json:"text"`
}

// DomainAnswer is GET api/domain/{domain}.
type DomainAnswer struct {
	Domain    string                 `json:"domain"`
	Found     bool                   `json:"found"`
	FetchedAt time.Time              `json:"fetched_at"`
	RiskScore *int                   `json:"risk_score"`
	Tags      []string               `json:"tags"`
	Groups    []Group                `json:"groups"`
	Values    []snapshot.Value       `json:"values"`
	Risk      []RiskPoint            `json:"risk"`
	Snapshots []SnapshotChanges      `json:"snapshots"`
	Incidents []store.DomainIncident `json:"incidents"`
}

// historyDepth is how many snapshots the domain page reads.
const historyDepth = 200

func (a *api) domain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	hist, err := a.cfg.Store.ProfileHistory(ctx, r.PathValue("domain"), historyDepth)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(hist) == 0 {
		writeError(w, http.StatusNotFound, "no stored profile of "+r.PathValue("domain"))
		return
	}
	steps, err := snapshot.Changes(hist)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	incidents, err := a.cfg.Store.DomainIncidents(ctx, hist[0].Domain)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	latest := hist[0]
	ans := DomainAnswer{Domain: latest.Domain, Found: latest.Found, FetchedAt: latest.FetchedAt.UTC(), RiskScore: latest.RiskScore,
		Tags: steps[0].Facets.Tags, Groups: []Group{}, Values: steps[0].Facets.Values, Incidents: incidents}
	if ans.Values == nil {
		ans.Values = []snapshot.Value{}
	}
	if ans.Incidents == nil {
		ans.Incidents = []store.DomainIncident{}
	}
	if latest.Found {
		var res iris.Result
		if err := json.Unmarshal(latest.Raw, &res); err != nil {
			a.fail(w, r, err)
			return
		}
		labels := seed.Format(&res, nil, latest.FetchedAt)
		for _, g := range seed.Groups {
			grp := Group{Name: g}
			for _, l := range seed.GroupLabels[g] {
				grp.Fields = append(grp.Fields, Field{Label: l, Value: labels[l]})
			}
			ans.Groups = append(ans.Groups, grp)
		}
	}
	for i := len(hist) - 1; i >= 0; i-- { // oldest first, as a plot reads
		if hist[i].Found {
			ans.Risk = append(ans.Risk, RiskPoint{At: hist[i].FetchedAt.UTC(), Score: hist[i].RiskScore})
		}
	}
	for i, s := range steps {
		sc := SnapshotChanges{FetchedAt: s.FetchedAt, Found: s.Found, RiskScore: hist[i].RiskScore, Changes: []Change{}}
		for _, c := range s.Changes {
			sc.Changes = append(sc.Changes, Change{Change: c, Text: c.String()})
		}
		ans.Snapshots = append(ans.Snapshots, sc)
	}
	writeJSON(w, http.StatusOK, ans)
}
