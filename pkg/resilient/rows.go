package resilient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Cell is one data-table cell.
type Cell struct {
	ID    any   `json:"id,omitempty"`     // column id or API name
	RowID int64 `json:"row_id,omitempty"` // set on replies
	Value any   `json:"value"`
}

// TableRow is a data-table row as SOAR answers it.
type TableRow struct {
	ID      int64           `json:"id"`
	Cells   map[string]Cell `json:"cells"` // column API name -> cell (handle_format=names)
	Version int64           `json:"version,omitempty"`
	Extra   Extra           `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (r *TableRow) UnmarshalJSON(b []byte) error {
	type plain TableRow
	return decodeWithExtra(b, (*plain)(r), &r.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (r TableRow) MarshalJSON() ([]byte, error) {
	type plain TableRow
	return encodeWithExtra(plain(r), r.Extra)
}

// Value returns the value of column col, or nil.
func (r TableRow) Value(col string) any { return r.Cells[col].Value }

// AddRow adds a row to data table table (API name) of incident: POST
// .../table_data/<table>/row_data?handle_format=names with
// {"cells":{"<col>":{"value":v}}}. An unknown column is a permanent
// ErrClient. Not retried after an ambiguous failure (see Client).
func (c *Client) AddRow(ctx context.Context, incident int64, table string, cells map[string]any) (*TableRow, error) {
	if table == "" || len(cells) == 0 {
		return nil, fmt.Errorf("add row to incident %d: %w", incident, &Error{Kind: KindClient, Message: "row needs a table and cells"})
	}
	body := struct {
		Cells map[string]Cell `json:"cells"`
	}{Cells: make(map[string]Cell, len(cells))}
	for k, v := range cells {
		body.Cells[k] = Cell{Value: v}
	}
	var out TableRow
	p := c.incidentPath(incident, "/table_data/"+url.PathEscape(table)+"/row_data") + "?handle_format=names"
	if err := c.do(ctx, http.MethodPost, p, body, &out); err != nil {
		return nil, fmt.Errorf("add row to %s of incident %d: %w", table, incident, err)
	}
	return &out, nil
}

// ListRows lists the rows of data table table of incident (GET
// .../table_data/<table>?handle_format=names, answering {"rows":[...]}).
func (c *Client) ListRows(ctx context.Context, incident int64, table string) ([]TableRow, error) {
	var out struct {
		Rows []TableRow `json:"rows"`
	}
	p := c.incidentPath(incident, "/table_data/"+url.PathEscape(table)) + "?handle_format=names"
	if err := c.do(ctx, http.MethodGet, p, nil, &out); err != nil {
		return nil, fmt.Errorf("list rows of %s of incident %d: %w", table, incident, err)
	}
	return out.Rows, nil
}
