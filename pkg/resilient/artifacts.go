package resilient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Artifact type ids (SOAR's default artifact types).
const (
	ArtifactIPAddress = 1
	ArtifactDNSName   = 2
)

// Artifact is an incident artifact, as the REST API answers it and as an
// ActionDataDTO carries it.
type Artifact struct {
	ID int64 `json:"id"`
	// Type is the artifact type: a number (2 = DNS Name), a name with
	// handle_format=names, or {id,name}.
	Type        Ref        `json:"type"`
	Value       string     `json:"value"`
	Description Text       `json:"description"` // a string or {format,content} on the wire
	Properties  []Property `json:"properties,omitempty"`
	IncidentID  int64      `json:"inc_id,omitempty"`
	Created     EpochMS    `json:"created"`
	Extra       Extra      `json:"-"`
}

// UnmarshalJSON decodes and keeps unknown keys in Extra.
func (a *Artifact) UnmarshalJSON(b []byte) error {
	type plain Artifact
	return decodeWithExtra(b, (*plain)(a), &a.Extra)
}

// MarshalJSON encodes with the Extra keys.
func (a Artifact) MarshalJSON() ([]byte, error) {
	type plain Artifact
	return encodeWithExtra(plain(a), a.Extra)
}

// ArtifactSpec is an artifact to create.
type ArtifactSpec struct {
	Type        int    // artifact type id; ArtifactDNSName (2) for domains
	Value       string // e.g. the domain
	Description string // plain text; empty for none
	// Properties are sent as given; for DNS Name the client adds
	// allow_duplicate=false unless the caller set allow_duplicate itself.
	Properties []Property
}

type artifactBody struct {
	Type        int        `json:"type"`
	Value       string     `json:"value"`
	Description *Text      `json:"description,omitempty"`
	Properties  []Property `json:"properties,omitempty"`
}

func (s ArtifactSpec) body() artifactBody {
	b := artifactBody{Type: s.Type, Value: s.Value, Properties: s.Properties}
	if s.Description != "" {
		b.Description = &Text{Format: "text", Content: s.Description}
	}
	if s.Type == ArtifactDNSName {
		has := false
		for _, p := range s.Properties {
			has = has || p.Name == "allow_duplicate"
		}
		if !has {
			b.Properties = append(append([]Property(nil), s.Properties...), Property{Name: "allow_duplicate", Value: false})
		}
	}
	return b
}

// CreateArtifact creates an artifact on incident (POST
// /rest/orgs/<org>/incidents/<id>/artifacts). SOAR answers a list of
// artifacts or a single one; both are accepted and the first is returned.
// For a DNS Name the client asks allow_duplicate=false, so SOAR may answer
// an artifact that already existed.
//
// Like every POST it is not retried after an ambiguous failure: a retryable
// *Error may mean the artifact was created (see Client).
func (c *Client) CreateArtifact(ctx context.Context, incident int64, a ArtifactSpec) (*Artifact, error) {
	if a.Type <= 0 || a.Value == "" {
		return nil, fmt.Errorf("create artifact on incident %d: %w", incident, &Error{Kind: KindClient, Message: "artifact needs a type and a value"})
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPost, c.incidentPath(incident, "/artifacts")+"?handle_format=names", a.body(), &raw); err != nil {
		return nil, fmt.Errorf("create artifact on incident %d: %w", incident, err)
	}
	arts, err := decodeArtifacts(raw)
	if err != nil {
		return nil, fmt.Errorf("create artifact on incident %d: %w", incident, err)
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("create artifact on incident %d: empty reply", incident)
	}
	return &arts[0], nil
}

// decodeArtifacts accepts a JSON list of artifacts or a single artifact object.
func decodeArtifacts(raw json.RawMessage) ([]Artifact, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []Artifact
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("decode artifact list: %w", err)
		}
		return list, nil
	}
	var one Artifact
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, fmt.Errorf("decode artifact: %w", err)
	}
	return []Artifact{one}, nil
}

// ListArtifacts lists the artifacts of incident (GET .../artifacts).
func (c *Client) ListArtifacts(ctx context.Context, incident int64) ([]Artifact, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, c.incidentPath(incident, "/artifacts")+"?handle_format=names", nil, &raw); err != nil {
		return nil, fmt.Errorf("list artifacts of incident %d: %w", incident, err)
	}
	arts, err := decodeArtifacts(raw)
	if err != nil {
		return nil, fmt.Errorf("list artifacts of incident %d: %w", incident, err)
	}
	return arts, nil
}
