package irissim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadFixtures reads every *.json file of dir and returns the result
// objects it holds, keyed by lower-case domain. Accepted shapes: the full
// envelope {"response":{"results":[…]}}, the inner object {"results":[…]},
// a single result object (has "domain") and an array of results. Envelopes
// without results (errors, limit_exceeded) are skipped. When two files
// hold the same domain, the file sorting last wins. A dir that is missing,
// not a directory or without any *.json file is an error (a mistyped path
// must not start a simulator without the recordings).
func LoadFixtures(dir string) (map[string]json.RawMessage, error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load fixtures: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("load fixtures: %s is not a directory", dir)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("load fixtures: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("load fixtures: no *.json file in %s", dir)
	}
	sort.Strings(paths)
	out := map[string]json.RawMessage{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("load fixtures: %w", err)
		}
		results, err := fixtureResults(b)
		if err != nil {
			return nil, fmt.Errorf("load fixtures: %s: %w", filepath.Base(p), err)
		}
		for _, r := range results {
			var head struct {
				Domain string `json:"domain"`
			}
			if err := json.Unmarshal(r, &head); err != nil || head.Domain == "" {
				continue
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, r); err != nil {
				return nil, fmt.Errorf("load fixtures: %s: %w", filepath.Base(p), err)
			}
			out[strings.ToLower(head.Domain)] = buf.Bytes()
		}
	}
	return out, nil
}

func fixtureResults(b []byte) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(b, &arr); err != nil {
			return nil, err
		}
		return arr, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	if inner, ok := obj["response"]; ok {
		return fixtureResults(inner)
	}
	if res, ok := obj["results"]; ok {
		var arr []json.RawMessage
		if err := json.Unmarshal(res, &arr); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		return arr, nil
	}
	if _, ok := obj["domain"]; ok {
		return []json.RawMessage{b}, nil
	}
	return nil, nil // error or limit envelope: nothing to serve
}

// stripCounts turns an Investigate result into its Enrich form: every
// {value, count} object loses count.
func stripCounts(raw json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			if _, ok := t["value"]; ok {
				delete(t, "count")
			}
			for _, c := range t {
				walk(c)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(v)
	return json.Marshal(v)
}
