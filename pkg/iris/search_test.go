package iris_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
)

// pagedIris serves total matching domains in pages, with a cursor that is
// the offset of the next page, like Iris's opaque position token. overlap
// repeats the last domain of a page at the start of the next. Its default
// page is 50 (Iris's is 500) to keep the race-detector runs short.
func pagedIris(t *testing.T, total int, overlap bool) *fakeIris {
	t.Helper()
	return newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
		if form.Get("ssl_hash") == "" {
			return http.StatusBadRequest, errorBody(400, "no base parameter")
		}
		size := 50
		if s := form.Get("page_size"); s != "" {
			size, _ = strconv.Atoi(s)
		}
		start := 0
		if p := form.Get("position"); p != "" {
			v, err := strconv.ParseInt(p, 16, 64)
			if err != nil {
				return http.StatusBadRequest, errorBody(400, "bad position")
			}
			start = int(v)
		}
		from := start
		if overlap && start > 0 {
			from--
		}
		end := min(start+size, total)
		resp := iris.Response{TotalCount: total, Message: "Enjoy your data."}
		for i := from; i < end; i++ {
			resp.Results = append(resp.Results, sampleResult(fmt.Sprintf("m%05d.example", i)))
		}
		resp.ResultsCount = len(resp.Results)
		if end < total {
			resp.HasMoreResults = true
			resp.Message = "There is more data for you to enjoy."
			resp.Position = fmt.Sprintf("%032x", end)
		}
		return http.StatusOK, marshal(t, resp)
	})
}

func TestSearchPagesToCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		total     int
		overlap   bool
		opts      []iris.SearchOption
		want      int
		requests  int
		truncated bool
		pageSize  string
	}{
		{name: "one page", total: 42, want: 42, requests: 1},
		{name: "three pages", total: 123, want: 123, requests: 3},
		{name: "exact pages", total: 100, want: 100, requests: 2},
		{name: "overlapping pages deduped", total: 123, overlap: true, want: 123, requests: 3},
		{name: "small pages", total: 95, opts: []iris.SearchOption{iris.WithPageSize(10)}, want: 95, requests: 10, pageSize: "10"},
		{name: "cap inside second page", total: 123, opts: []iris.SearchOption{iris.WithMaxResults(60), iris.WithPageSize(50)}, want: 60, requests: 2, truncated: true, pageSize: "50"},
		{name: "small cap sets page size", total: 123, opts: []iris.SearchOption{iris.WithMaxResults(10)}, want: 10, requests: 1, truncated: true, pageSize: "10"},
		{name: "cap at page end with more", total: 123, opts: []iris.SearchOption{iris.WithMaxResults(20)}, want: 20, requests: 1, truncated: true, pageSize: "20"},
		{name: "cap above total", total: 42, opts: []iris.SearchOption{iris.WithMaxResults(100)}, want: 42, requests: 1, pageSize: "100"},
		{name: "large cap leaves page size to Iris", total: 123, opts: []iris.SearchOption{iris.WithMaxResults(1000)}, want: 123, requests: 3},
		{name: "empty", total: 0, want: 0, requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := pagedIris(t, tt.total, tt.overlap)
			c := f.client(t)
			q := iris.NewQuery("ssl_hash", "195152d01022a568719e7bc1d0b07c13f723934f").With("create_date", ">=2020-01-01")
			res, err := c.Search(t.Context(), q, tt.opts...)
			if err != nil {
				t.Fatalf("search: %v", err)
			}
			if len(res.Results) != tt.want || res.Truncated != tt.truncated || res.TotalCount != tt.total {
				t.Errorf("results %d truncated %v total %d; want %d %v %d", len(res.Results), res.Truncated, res.TotalCount, tt.want, tt.truncated, tt.total)
			}
			if f.requests() != tt.requests || res.Pages != tt.requests {
				t.Errorf("requests %d pages %d, want %d", f.requests(), res.Pages, tt.requests)
			}
			seen := map[string]bool{}
			for i, r := range res.Results {
				if want := fmt.Sprintf("m%05d.example", i); r.Domain != want {
					t.Fatalf("result %d = %s, want %s (missing or duplicate)", i, r.Domain, want)
				}
				if seen[r.Domain] {
					t.Fatalf("duplicate %s", r.Domain)
				}
				seen[r.Domain] = true
			}
			for i := range f.requests() {
				form := f.form(i)
				if form.Get("create_date") != ">=2020-01-01" || form.Get("page_size") != tt.pageSize {
					t.Errorf("request %d form = %v", i, form)
				}
				if (i == 0) != (form.Get("position") == "") {
					t.Errorf("request %d position = %q", i, form.Get("position"))
				}
			}
		})
	}
}

func TestSearchCursorMustAdvance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		position func(n int) string
		requests int
	}{
		{"empty cursor", func(int) string { return "" }, 1},
		{"same cursor", func(int) string { return "abc" }, 2},
		{"cycling cursor", func(n int) string { return []string{"a", "b"}[n%2] }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIris(t, func(n int, r *http.Request, form url.Values) (int, string) {
				resp := iris.Response{HasMoreResults: true, TotalCount: 9999, Position: tt.position(n),
					Results: []iris.Result{sampleResult(fmt.Sprintf("c%d.example", n))}}
				return http.StatusOK, marshal(t, resp)
			})
			res, err := f.client(t).Search(t.Context(), iris.NewQuery("ip", "192.0.2.1"))
			if !errors.Is(err, iris.ErrMalformed) {
				t.Fatalf("err = %v", err)
			}
			if f.requests() != tt.requests {
				t.Errorf("requests = %d, want %d", f.requests(), tt.requests)
			}
			if len(res.Results) != tt.requests {
				t.Errorf("partial results = %d", len(res.Results))
			}
		})
	}
}

func TestQueryValidation(t *testing.T) {
	t.Parallel()
	f := pagedIris(t, 1, false)
	c := f.client(t)
	bad := []struct {
		name string
		q    iris.Query
		opts []iris.SearchOption
	}{
		{"empty", iris.Query{}, nil},
		{"unknown parameter", iris.NewQuery("ssl_hash", "x").With("risk_score", "70"), nil},
		{"reserved position", iris.NewQuery("ssl_hash", "x").With("position", "abc"), nil},
		{"reserved credentials", iris.NewQuery("ssl_hash", "x").With("api_key", "k"), nil},
		{"filter only", iris.NewQuery("create_date", "2024-01-01"), nil},
		{"empty value", iris.NewQuery("ip", " "), nil},
		{"page too big", iris.NewQuery("ssl_hash", "x"), []iris.SearchOption{iris.WithPageSize(501)}},
	}
	for _, b := range bad {
		if _, err := c.Search(t.Context(), b.q, b.opts...); !errors.Is(err, iris.ErrBadRequest) {
			t.Errorf("%s: err = %v", b.name, err)
		}
	}
	if f.requests() != 0 {
		t.Errorf("invalid queries sent %d requests", f.requests())
	}
	good := []iris.Query{
		iris.NewQuery("tagged_with_any", "blocklist"),
		iris.NewQuery("search_hash", "U2FsdGVk"),
		iris.NewQuery("registrant_org", "Acme").With("active", "true").With("tld", "com").With("first_seen_within", "86400").With("sort_by", "risk_score"),
	}
	for _, q := range good {
		if err := q.Validate(); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	base := iris.NewQuery("ip", "192.0.2.1")
	_ = base.With("tld", "com")
	if base.Values().Has("tld") {
		t.Error("With modified the original query")
	}
}
