package iris

import (
	"encoding/json"
	"fmt"
)

// Response is the envelope of an Iris Investigate or Enrich answer
// (iris-api.md §3). It decodes every shape seen in recordings: the wrapped
// {"response": {...}} form, the unwrapped inner object, a bare single result
// object, a JSON array of results, and the DomainTools error envelope
// {"error": {...}, "resources": {...}} (which sets Error).
//
// It marshals to the wrapped form {"response": {...}}.
type Response struct {
	// LimitExceeded is true when the search matched more domains than Iris
	// returns (not a quota signal).
	LimitExceeded  bool   `json:"limit_exceeded"`
	HasMoreResults bool   `json:"has_more_results"`
	Message        string `json:"message"`
	// ResultsCount is the number of results on this page.
	ResultsCount int `json:"results_count"`
	// TotalCount is the number of matches across all pages (not sent by
	// Enrich).
	TotalCount int `json:"total_count"`
	// Position is the paging cursor to send to get the next page.
	Position string `json:"position,omitempty"`
	// Next is the next-page URL, sent when the request asked next=true.
	Next           string   `json:"next,omitempty"`
	Results        []Result `json:"results"`
	MissingDomains []string `json:"missing_domains"`
	// Error is the embedded or top-level DomainTools error, if any.
	Error *APIError `json:"error,omitempty"`
}

// APIError is the DomainTools error object {"code", "message"}.
type APIError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Support is resources.support of the error envelope, when present.
	Support string `json:"-"`
}

// ErrorEnvelope is the body DomainTools sends with a non-200 status.
type ErrorEnvelope struct {
	Error     APIError `json:"error"`
	Resources struct {
		Support string `json:"support,omitempty"`
	} `json:"resources"`
}

// responseFields is Response without methods, for encoding and decoding.
type responseFields Response

// probe decodes the keys that tell the shapes apart together with the
// fields of the inner object, so the common unwrapped form is read once.
type probe struct {
	LimitExceeded  bool       `json:"limit_exceeded"`
	HasMoreResults bool       `json:"has_more_results"`
	Message        flexString `json:"message"`
	ResultsCount   flexInt    `json:"results_count"`
	TotalCount     flexInt    `json:"total_count"`
	Position       flexString `json:"position"`
	Next           flexString `json:"next"`
	Results        []Result   `json:"results"`
	MissingDomains []string   `json:"missing_domains"`
	Error          *APIError  `json:"error"`

	Response  json.RawMessage `json:"response"`
	Domain    *string         `json:"domain"`
	Resources *struct {
		Support string `json:"support"`
	} `json:"resources"`
}

// DecodeResponse decodes an Iris body of any recorded shape.
func DecodeResponse(data []byte) (*Response, error) {
	var r Response
	// decode validates every part through json.Unmarshal; calling it
	// directly spares a validation pass over the whole body.
	if err := r.decode(data, 0); err != nil {
		return nil, err
	}
	return &r, nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *Response) UnmarshalJSON(data []byte) error {
	return r.decode(data, 0)
}

func (r *Response) decode(data []byte, depth int) error {
	switch jsonKind(data) {
	case '[':
		var results []Result
		if err := json.Unmarshal(data, &results); err != nil {
			return fmt.Errorf("iris: decode results array: %w", err)
		}
		*r = Response{Results: results, ResultsCount: len(results), TotalCount: len(results)}
		return nil
	case '{':
	default:
		return fmt.Errorf("iris: decode response: expected an object or array, got %.20q", data)
	}
	var p probe
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("iris: decode response: %w", err)
	}
	switch {
	case len(p.Response) > 0 && jsonKind(p.Response) != 'n':
		if depth > 0 {
			return fmt.Errorf("iris: decode response: nested response envelope")
		}
		if jsonKind(p.Response) != '{' {
			return fmt.Errorf("iris: decode response: \"response\" is not an object")
		}
		return r.decode(p.Response, depth+1)
	case p.Domain != nil && p.Results == nil:
		var res Result
		if err := json.Unmarshal(data, &res); err != nil {
			return fmt.Errorf("iris: decode result: %w", err)
		}
		*r = Response{Results: []Result{res}, ResultsCount: 1, TotalCount: 1}
		return nil
	}
	*r = Response{
		LimitExceeded: p.LimitExceeded, HasMoreResults: p.HasMoreResults, Message: string(p.Message),
		ResultsCount: int(p.ResultsCount), TotalCount: int(p.TotalCount),
		Position: string(p.Position), Next: string(p.Next),
		Results: p.Results, MissingDomains: p.MissingDomains, Error: p.Error,
	}
	if r.Error != nil && p.Resources != nil {
		r.Error.Support = p.Resources.Support
	}
	return nil
}

// MarshalJSON implements json.Marshaler, writing the wrapped form.
func (r Response) MarshalJSON() ([]byte, error) {
	f := responseFields(r)
	if f.Results == nil {
		f.Results = []Result{}
	}
	if f.MissingDomains == nil {
		f.MissingDomains = []string{}
	}
	return json.Marshal(struct {
		Response responseFields `json:"response"`
	}{f})
}

// UnmarshalJSON implements json.Unmarshaler; it accepts a code given as a
// string and an error given as a bare message string.
func (e *APIError) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == '"' {
		var msg flexString
		if err := msg.UnmarshalJSON(data); err != nil {
			return err
		}
		*e = APIError{Message: string(msg)}
		return nil
	}
	var w struct {
		Code    flexInt    `json:"code"`
		Message flexString `json:"message"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = APIError{Code: int(w.Code), Message: string(w.Message)}
	return nil
}
