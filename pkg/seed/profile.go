package seed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// Profile is one answer to "Profile Domain with Iris".
type Profile struct {
	// Domain is the domain as the function was asked (the seed's "domain").
	Domain string
	// Result is Iris's profile; nil when Iris has no data for the domain.
	Result *iris.Result
	// FetchedAt is when Iris answered (from cache: when it answered then).
	FetchedAt time.Time
	// Cached is true when the answer came from irisflow's profile cache.
	Cached bool
	// Age is how old the cached answer is (0 for a fresh fetch).
	Age time.Duration
}

// ProfileContent is the function content of "Profile Domain with Iris":
//
//	{"domain": d,
//	 "dt_iris_data": "{\"results\":[<result>]}",   // JSON string, as the seed app
//	 "found": bool, "cached": bool, "cache_age_seconds": n,
//	 "fetched_at": RFC 3339, "risk_score": n | null}
//
// dt_iris_data holds the result exactly as Iris sent it (Raw) when known;
// for a domain Iris has no data for it is {"results":[]}.
func ProfileContent(p Profile) (map[string]any, error) {
	results := []json.RawMessage{}
	var risk any
	if p.Result != nil {
		raw := p.Result.Raw
		if len(raw) == 0 {
			b, err := json.Marshal(p.Result)
			if err != nil {
				return nil, fmt.Errorf("seed: profile content for %s: %w", p.Domain, err)
			}
			raw = b
		}
		results = append(results, compact(raw))
		if s, ok := p.Result.RiskScore(); ok {
			risk = s
		}
	}
	data, err := json.Marshal(struct {
		Results []json.RawMessage `json:"results"`
	}{results})
	if err != nil {
		return nil, fmt.Errorf("seed: profile content for %s: %w", p.Domain, err)
	}
	return map[string]any{
		"domain":            p.Domain,
		"dt_iris_data":      string(data),
		"found":             p.Result != nil,
		"cached":            p.Cached,
		"cache_age_seconds": int64(math.Round(p.Age.Seconds())),
		"fetched_at":        p.FetchedAt.UTC().Format(time.RFC3339),
		"risk_score":        risk,
	}, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// ErrNoIrisData is returned (wrapped) by ParseIrisData for input that holds
// no Iris data at all (empty, or JSON that is not a result set).
var ErrNoIrisData = errors.New("no DomainTools Iris data")

// ParseIrisData reads what a workflow passes back in dt_iris_data_in: the
// dt_iris_data string of ProfileContent ({"results":[…]}), an Investigate
// response envelope, a results array, a single result, the whole Profile
// content object (with its dt_iris_data key), or any of these JSON-encoded
// once more as a string. An empty result list is not an error: it means the
// domain was not found.
func ParseIrisData(s string) ([]*iris.Result, error) {
	data := bytes.TrimSpace([]byte(s))
	for range 3 { // unwrap JSON strings holding JSON
		if len(data) == 0 {
			return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: empty input", ErrNoIrisData)
		}
		if data[0] != '"' {
			break
		}
		var inner string
		if err := json.Unmarshal(data, &inner); err != nil {
			return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: %v", ErrNoIrisData, err)
		}
		data = bytes.TrimSpace([]byte(inner))
	}
	if len(data) > 0 && data[0] == '{' {
		var wrapper struct {
			DT *json.RawMessage `json:"dt_iris_data"`
		}
		if json.Unmarshal(data, &wrapper) == nil && wrapper.DT != nil {
			var inner string
			if err := json.Unmarshal(*wrapper.DT, &inner); err == nil {
				return ParseIrisData(inner)
			}
			return ParseIrisData(string(*wrapper.DT))
		}
	}
	if len(data) == 0 || (data[0] != '{' && data[0] != '[') {
		return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: %.40q is not a JSON object or array", ErrNoIrisData, data)
	}
	resp, err := iris.DecodeResponse(data)
	if err != nil {
		return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: %v", ErrNoIrisData, err)
	}
	if resp.Error != nil && len(resp.Results) == 0 {
		return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: Iris error %d: %s", ErrNoIrisData, resp.Error.Code, resp.Error.Message)
	}
	if resp.Results == nil && !looksLikeResultSet(data) {
		return nil, fmt.Errorf("seed: parse dt_iris_data_in: %w: no results key", ErrNoIrisData)
	}
	out := make([]*iris.Result, len(resp.Results))
	for i := range resp.Results {
		out[i] = &resp.Results[i]
	}
	return out, nil
}

// looksLikeResultSet reports whether an object without results still is a
// result set (an empty "results" list, or an envelope with results_count).
func looksLikeResultSet(data []byte) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil {
		return data[0] == '['
	}
	if r, ok := keys["response"]; ok {
		return looksLikeResultSet(bytes.TrimSpace(r))
	}
	_, hasResults := keys["results"]
	_, hasCount := keys["results_count"]
	_, hasMissing := keys["missing_domains"]
	return hasResults || hasCount || hasMissing
}
