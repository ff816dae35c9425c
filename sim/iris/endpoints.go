package irissim

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MaxDomains is the largest number of domains in one request.
const MaxDomains = 100

const (
	msgEnjoy = "Enjoy your data."
	msgMore  = "There is more data for you to enjoy."
)

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Server) investigate(w http.ResponseWriter, r *http.Request, user string, form url.Values, now time.Time) {
	if _, ok := form["domain"]; ok {
		s.lookupDomains(w, user, form, now, true)
		return
	}
	q, err := s.parseSearch(form, now)
	if err != nil {
		writeError(w, http.StatusBadRequest, msgBadRequest+err.Error())
		return
	}
	pageSize := s.cfg.MaxPageSize
	if v := form.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.cfg.MaxPageSize {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%spage_size must be between 1 and %d.", msgBadRequest, s.cfg.MaxPageSize))
			return
		}
		pageSize = n
	}
	offset := 0
	pos := form.Get("position")
	if pos != "" {
		if offset, err = s.parsePosition(q.key, pos); err != nil {
			writeError(w, http.StatusBadRequest, msgBadRequest+err.Error())
			return
		}
	}
	ids := s.run(q)
	if pos == "" {
		s.counters.searches.Add(1)
	}
	s.counters.pages.Add(1)
	s.quota.use(user, productInvestigate, now)
	var out jsonw
	if len(ids) > s.cfg.ResultCap {
		out.obj("", func() {
			out.obj("response", func() {
				out.boolean("limit_exceeded", true)
				out.boolean("has_more_results", true)
				out.str("message", fmt.Sprintf("Maximum %d returned - you may need to refine your query.", s.cfg.ResultCap))
				out.obj("error", func() {
					out.num("code", 413)
					out.str("message", fmt.Sprintf("More than %d matched - you may need to refine your query.", s.cfg.ResultCap))
				})
				out.arr("missing_domains", func() {})
			})
		})
		writeRaw(w, http.StatusOK, out.buf)
		return
	}
	if offset > len(ids) {
		writeError(w, http.StatusBadRequest, msgBadRequest+errBadPosition.Error())
		return
	}
	end := min(offset+pageSize, len(ids))
	page := ids[offset:end]
	more := end < len(ids)
	rr := renderer{ix: s.ix, counts: true}
	rr.w.buf = make([]byte, 0, len(page)*6<<10+256)
	rr.w.obj("", func() {
		rr.w.obj("response", func() {
			rr.w.boolean("limit_exceeded", false)
			rr.w.boolean("has_more_results", more)
			if more {
				rr.w.str("message", msgMore)
			} else {
				rr.w.str("message", msgEnjoy)
			}
			rr.w.num("results_count", int64(len(page)))
			rr.w.num("total_count", int64(len(ids)))
			if more {
				tok := s.positionToken(q.key, end)
				rr.w.str("position", tok)
				if form.Get("next") == "true" {
					rr.w.str("next", nextURL(r, form, tok))
				}
			}
			rr.w.arr("results", func() {
				for _, id := range page {
					rr.record(s.ix.recs[id])
				}
			})
			rr.w.arr("missing_domains", func() {})
		})
	})
	writeRaw(w, http.StatusOK, rr.w.buf)
}

func nextURL(r *http.Request, form url.Values, tok string) string {
	q := url.Values{}
	for k, vs := range form {
		if !pagingParams[k] {
			q[k] = vs
		}
	}
	q.Set("position", tok)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
}

// lookupDomains answers Investigate (counts) or Enrich (no counts) for
// the listed domains, in the order asked; unknown ones go to
// missing_domains.
func (s *Server) lookupDomains(w http.ResponseWriter, user string, form url.Values, now time.Time, counts bool) {
	domains := requestedDomains(form)
	if len(domains) == 0 {
		writeError(w, http.StatusBadRequest, msgBadRequest+"domain is required.")
		return
	}
	if len(domains) > MaxDomains {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%sA maximum of %d domains is allowed per request; %d were given.", msgBadRequest, MaxDomains, len(domains)))
		return
	}
	s.counters.domains.Add(int64(len(domains)))
	product := productInvestigate
	if !counts {
		product = productEnrich
	}
	s.quota.use(user, product, now)
	var out jsonw
	var missing []string
	n := 0
	out.obj("", func() {
		out.obj("response", func() {
			out.boolean("limit_exceeded", false)
			if counts {
				out.boolean("has_more_results", false)
			}
			out.str("message", msgEnjoy)
			// counts are written once the results are known: reserve by
			// building results first.
			var results jsonw
			results.arr("", func() {
				for _, d := range domains {
					raw, ok := s.lookup(d, counts)
					if !ok {
						missing = append(missing, d)
						continue
					}
					n++
					results.raw("", raw)
				}
			})
			out.num("results_count", int64(n))
			if counts {
				out.num("total_count", int64(n))
			}
			out.raw("results", results.buf)
			out.arr("missing_domains", func() {
				for _, d := range missing {
					out.str("", d)
				}
			})
		})
	})
	writeRaw(w, http.StatusOK, out.buf)
}

func (s *Server) enrich(w http.ResponseWriter, user string, form url.Values, now time.Time) {
	s.lookupDomains(w, user, form, now, false)
}

type accountProduct struct {
	ID             string  `json:"id"`
	PerMonthLimit  *string `json:"per_month_limit"`
	PerHourLimit   *string `json:"per_hour_limit"`
	PerMinuteLimit *string `json:"per_minute_limit"`
	AbsoluteLimit  *string `json:"absolute_limit"`
	Usage          struct {
		Today string `json:"today"`
		Month string `json:"month"`
	} `json:"usage"`
	ExpirationDate *string `json:"expiration_date"`
}

func strp(s string) *string { return &s }

// account answers /v1/account/ as the recorded accounts do (python_api,
// tests/fixtures/vcr/test_account_information.yaml): every limit a string,
// per_minute_limit always set (the quota enforced), per_hour_limit null
// unless PerHour is set, absolute_limit and expiration_date null; usage
// counts answered queries.
func (s *Server) account(w http.ResponseWriter, user string, now time.Time) {
	var products []accountProduct
	for _, id := range []string{productInvestigate, productEnrich} {
		p := accountProduct{ID: id}
		p.PerMonthLimit = strp("100000")
		p.PerMinuteLimit = strp(itoa(s.cfg.PerMinute))
		if s.cfg.PerHour > 0 {
			p.PerHourLimit = strp(itoa(s.cfg.PerHour))
		}
		today, month := s.quota.get(user, id, now)
		p.Usage.Today, p.Usage.Month = itoa(today), itoa(month)
		products = append(products, p)
	}
	body := map[string]any{"response": map[string]any{
		"account":  map[string]any{"api_username": user, "active": true},
		"products": products,
	}}
	writeJSON(w, http.StatusOK, body)
}

// risk answers /v1/risk/?domain= with the domain's risk score and
// components (synthetic domains only).
func (s *Server) risk(w http.ResponseWriter, form url.Values) {
	d := norm(form.Get("domain"))
	if d == "" {
		writeError(w, http.StatusBadRequest, msgBadRequest+"domain is required.")
		return
	}
	id, ok := s.ix.byName[d]
	if !ok {
		writeError(w, http.StatusNotFound, "We have no risk information for "+d+".")
		return
	}
	rec := s.ix.recs[id]
	type comp struct {
		Name      string   `json:"name"`
		RiskScore int      `json:"risk_score"`
		Threats   []string `json:"threats,omitempty"`
		Evidence  []string `json:"evidence,omitempty"`
	}
	var comps []comp
	for _, c := range rec.Risk.Components {
		comps = append(comps, comp{c.Name, c.Score, c.Threats, c.Evidence})
	}
	writeJSON(w, http.StatusOK, map[string]any{"response": map[string]any{
		"domain": rec.Name, "risk_score": rec.Risk.Score, "components": comps,
	}})
}
