package iris

import "context"

// Enrich is Investigate through Iris Enrich (/v1/iris-enrich/): the same
// profiles without pivot counts, on a separate quota.
func (c *Client) Enrich(ctx context.Context, domains []string) (*Profiles, error) {
	return c.profiles(ctx, "enrich", PathEnrich, domains)
}
