package iris

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Profiles is the answer to an Investigate or Enrich lookup of a list of
// domains.
type Profiles struct {
	// ByDomain maps each domain as the caller spelled it (blanks trimmed) to
	// its result. Spellings of the same domain (case, trailing dot, Unicode
	// or punycode) share one result.
	ByDomain map[string]*Result
	// Missing lists the asked domains (caller's spelling) Iris has no data
	// for, in the order asked.
	Missing []string

	byKey map[string]*Result
}

// Get returns the result for domain in any spelling.
func (p *Profiles) Get(domain string) (*Result, bool) {
	if r, ok := p.ByDomain[strings.TrimSpace(domain)]; ok {
		return r, true
	}
	r, ok := p.byKey[domainKey(domain)]
	return r, ok
}

// Len returns the number of distinct domains found.
func (p *Profiles) Len() int { return len(p.byKey) }

// profiles looks domains up on endpoint in batches of MaxDomainsPerRequest.
// On error it returns the batches that succeeded along with the error.
func (c *Client) profiles(ctx context.Context, op, endpoint string, domains []string) (*Profiles, error) {
	out := &Profiles{ByDomain: map[string]*Result{}, byKey: map[string]*Result{}}
	set, err := newDomainSet(domains)
	if err != nil {
		return out, fmt.Errorf("%s: %w", op, newError(KindBadRequest, endpoint, 0, err.Error(), nil))
	}
	chunks := set.chunks(MaxDomainsPerRequest)
	for i, keys := range chunks {
		send := make([]string, len(keys))
		for j, k := range keys {
			send[j] = set.send[k]
		}
		resp, err := c.fetch(ctx, endpoint, url.Values{"domain": {strings.Join(send, ",")}}, len(send))
		if err != nil {
			out.Missing = nil
			return out, fmt.Errorf("%s: batch %d of %d: %w", op, i+1, len(chunks), err)
		}
		asked := make(map[string]bool, len(keys))
		for _, k := range keys {
			asked[k] = true
		}
		for j := range resp.Results {
			r := &resp.Results[j]
			k := domainKey(r.Domain)
			if !asked[k] {
				c.log.DebugContext(ctx, "iris: result for a domain not asked", "endpoint", endpoint, "domain", r.Domain)
				continue
			}
			if _, dup := out.byKey[k]; dup {
				continue
			}
			out.byKey[k] = r
			for _, sp := range set.spelling[k] {
				out.ByDomain[sp] = r
			}
		}
	}
	for _, k := range set.keys {
		if _, ok := out.byKey[k]; !ok {
			out.Missing = append(out.Missing, set.spelling[k]...)
		}
	}
	return out, nil
}

// Investigate returns the Iris Investigate profiles of domains. The list is
// deduplicated (case, trailing dot, IDN form) and sent in batches of
// MaxDomainsPerRequest; results are matched back to the asked domains and
// the ones without data are listed in Missing. An empty list sends nothing.
// A domain containing a comma or blank is refused with ErrBadRequest. On
// error the returned Profiles holds the batches that succeeded.
func (c *Client) Investigate(ctx context.Context, domains []string) (*Profiles, error) {
	return c.profiles(ctx, "investigate", PathInvestigate, domains)
}
