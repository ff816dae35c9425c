package resilient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// SessionOrg is one org of a session: the orgs the credentials can use.
type SessionOrg struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Session is what GET /rest/session answers about the credentials.
type Session struct {
	Orgs      []SessionOrg `json:"orgs"`
	UserEmail string       `json:"user_email,omitempty"`
}

// Session reads the credentials' session (GET /rest/session): it checks
// that SOAR accepts them and lists the orgs they can use.
func (c *Client) Session(ctx context.Context) (*Session, error) {
	var s Session
	if err := c.do(ctx, http.MethodGet, "/rest/session", nil, &s); err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	return &s, nil
}

// OrgInfo is the org the client works in, as GET /rest/orgs/<org> shows it.
type OrgInfo struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// GetOrg reads the client's org (GET /rest/orgs/<org>): ErrAuth when the
// credentials are not a member of it.
func (c *Client) GetOrg(ctx context.Context) (*OrgInfo, error) {
	var o OrgInfo
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/rest/orgs/%d", c.cfg.Org), nil, &o); err != nil {
		return nil, fmt.Errorf("get org %d: %w", c.cfg.Org, err)
	}
	return &o, nil
}

// TypeInfo is an object type of the org (a data table is type_id 8), with
// its fields by API name.
type TypeInfo struct {
	TypeID   int                       `json:"type_id"`
	TypeName string                    `json:"type_name"`
	Fields   map[string]map[string]any `json:"fields"`
}

// GetType reads the type name of the org (GET /rest/orgs/<org>/types/<name>),
// e.g. the data table ResultsTable: ErrNotFound when the org has none.
func (c *Client) GetType(ctx context.Context, name string) (*TypeInfo, error) {
	var t TypeInfo
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/rest/orgs/%d/types/%s", c.cfg.Org, url.PathEscape(name)), nil, &t); err != nil {
		return nil, fmt.Errorf("get type %s: %w", name, err)
	}
	return &t, nil
}
