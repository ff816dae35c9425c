package iris

import (
	"context"
	"fmt"
	"strconv"
)

// MaxPageSize is the largest page Iris returns.
const MaxPageSize = 500

// SearchResult is the outcome of a pivot search.
type SearchResult struct {
	// Results are the matching domains, deduplicated, in the order received.
	Results []Result
	// TotalCount is the number of matches Iris reported.
	TotalCount int
	// Truncated is true when the search stopped at the caller's cap while
	// Iris had more results.
	Truncated bool
	// Pages is the number of pages fetched.
	Pages int
}

// SearchOption adjusts a Search.
type SearchOption func(*searchOptions)

type searchOptions struct {
	maxResults int
	pageSize   int
}

// WithMaxResults stops the search after n results (n <= 0: no cap). Iris
// charges a query per page, so a cap also bounds the quota spent.
func WithMaxResults(n int) SearchOption { return func(o *searchOptions) { o.maxResults = n } }

// WithPageSize asks for pages of n results (1–500; default 500, or the cap
// when smaller).
func WithPageSize(n int) SearchOption { return func(o *searchOptions) { o.pageSize = n } }

// Search runs a pivot search on Iris Investigate and follows the paging
// cursor until Iris has no more results or the WithMaxResults cap is reached.
// A search matching more domains than Iris returns fails with
// ErrLimitExceeded (not retried; the *Error carries Iris's message). A
// cursor that does not advance fails with ErrMalformed rather than looping.
// On error after some pages, the returned SearchResult holds what was
// received.
func (c *Client) Search(ctx context.Context, q Query, opts ...SearchOption) (*SearchResult, error) {
	var o searchOptions
	for _, f := range opts {
		f(&o)
	}
	out := &SearchResult{}
	if err := q.Validate(); err != nil {
		return out, fmt.Errorf("search: %w", err)
	}
	if o.pageSize < 0 || o.pageSize > MaxPageSize {
		return out, fmt.Errorf("search: %w", newError(KindBadRequest, PathInvestigate, 0, fmt.Sprintf("page size %d not in 1..%d", o.pageSize, MaxPageSize), nil))
	}
	pageSize := o.pageSize
	if pageSize == 0 && o.maxResults > 0 && o.maxResults < MaxPageSize {
		pageSize = o.maxResults
	}
	seen := map[string]bool{}
	positions := map[string]bool{}
	position := ""
	for {
		params := q.Values()
		if pageSize > 0 {
			params.Set("page_size", strconv.Itoa(pageSize))
		}
		if position != "" {
			params.Set("position", position)
		}
		resp, err := c.fetch(ctx, PathInvestigate, params, 0)
		if err != nil {
			return out, fmt.Errorf("search %s page %d: %w", q, out.Pages+1, err)
		}
		out.Pages++
		if resp.TotalCount > out.TotalCount {
			out.TotalCount = resp.TotalCount
		}
		for i, r := range resp.Results {
			k := domainKey(r.Domain)
			if seen[k] {
				continue
			}
			if o.maxResults > 0 && len(out.Results) >= o.maxResults {
				out.Truncated = true
				return out, nil
			}
			seen[k] = true
			out.Results = append(out.Results, resp.Results[i])
		}
		if !resp.HasMoreResults {
			return out, nil
		}
		if o.maxResults > 0 && len(out.Results) >= o.maxResults {
			out.Truncated = true
			return out, nil
		}
		if resp.Position == "" || positions[resp.Position] || resp.Position == position {
			return out, fmt.Errorf("search %s page %d: %w", q, out.Pages, newError(KindMalformed, PathInvestigate, 200,
				fmt.Sprintf("has_more_results with a paging cursor that did not advance (%q)", resp.Position), nil))
		}
		positions[resp.Position] = true
		position = resp.Position
	}
}
