package resilient

import (
	"context"
	"fmt"
	"net/http"
)

// Note formats.
const (
	FormatText = "text"
	FormatHTML = "html"
)

// Note is an incident note to create.
type Note struct {
	Format  string // FormatText or FormatHTML; empty means text
	Content string
}

// Comment is an incident note as SOAR answers it.
type Comment struct {
	ID         int64   `json:"id"`
	ParentID   *int64  `json:"parent_id"`
	Text       Text    `json:"text"` // {format,content}, or a string on some GETs
	UserID     int64   `json:"user_id,omitempty"`
	IncidentID int64   `json:"inc_id,omitempty"`
	CreateDate EpochMS `json:"create_date"`
	ModifyDate EpochMS `json:"modify_date"`
	Extra      Extra   `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (c *Comment) UnmarshalJSON(b []byte) error {
	type plain Comment
	return decodeWithExtra(b, (*plain)(c), &c.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (c Comment) MarshalJSON() ([]byte, error) {
	type plain Comment
	return encodeWithExtra(plain(c), c.Extra)
}

// AddNote adds a note to incident (POST /rest/orgs/<org>/incidents/<id>/comments
// with {"text":{"format","content"}}). Not retried after an ambiguous
// failure: a retryable *Error may mean the note was created (see Client).
func (c *Client) AddNote(ctx context.Context, incident int64, n Note) (*Comment, error) {
	if n.Format == "" {
		n.Format = FormatText
	}
	if n.Format != FormatText && n.Format != FormatHTML {
		return nil, fmt.Errorf("add note to incident %d: %w", incident, &Error{Kind: KindClient, Message: fmt.Sprintf("note format %q is not text or html", n.Format)})
	}
	body := struct {
		Text Text `json:"text"`
	}{Text(n)}
	var out Comment
	if err := c.do(ctx, http.MethodPost, c.incidentPath(incident, "/comments"), body, &out); err != nil {
		return nil, fmt.Errorf("add note to incident %d: %w", incident, err)
	}
	return &out, nil
}

// ListNotes lists the notes of incident (GET .../comments).
func (c *Client) ListNotes(ctx context.Context, incident int64) ([]Comment, error) {
	var out []Comment
	if err := c.do(ctx, http.MethodGet, c.incidentPath(incident, "/comments"), nil, &out); err != nil {
		return nil, fmt.Errorf("list notes of incident %d: %w", incident, err)
	}
	return out, nil
}
