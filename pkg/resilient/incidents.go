package resilient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Incident is the part of a SOAR incident irisflow reads; everything else
// is kept in Extra.
type Incident struct {
	ID              int64                      `json:"id"`
	Name            string                     `json:"name"`
	OrgID           int64                      `json:"org_id"`
	SeverityCode    Ref                        `json:"severity_code"` // id, or name with handle_format=names
	PhaseID         Ref                        `json:"phase_id"`
	IncidentTypeIDs []Ref                      `json:"incident_type_ids"`
	CreateDate      EpochMS                    `json:"create_date"`
	DiscoveredDate  EpochMS                    `json:"discovered_date"`
	Properties      map[string]json.RawMessage `json:"properties,omitempty"` // custom fields
	Extra           Extra                      `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (i *Incident) UnmarshalJSON(b []byte) error {
	type plain Incident
	return decodeWithExtra(b, (*plain)(i), &i.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (i Incident) MarshalJSON() ([]byte, error) {
	type plain Incident
	return encodeWithExtra(plain(i), i.Extra)
}

// GetIncident reads incident id (GET /rest/orgs/<org>/incidents/<id>?handle_format=names).
func (c *Client) GetIncident(ctx context.Context, id int64) (*Incident, error) {
	var inc Incident
	if err := c.do(ctx, http.MethodGet, c.incidentPath(id, "")+"?handle_format=names", nil, &inc); err != nil {
		return nil, fmt.Errorf("get incident %d: %w", id, err)
	}
	return &inc, nil
}
