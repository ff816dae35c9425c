package iris_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// FuzzDecodeResponse checks that no input makes the decoder panic, and that
// whatever decodes also encodes and decodes again.
func FuzzDecodeResponse(f *testing.F) {
	own, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	// The recorded fixtures are seeds too when present (not committed here).
	dir := os.Getenv("IRISFLOW_IRIS_FIXTURES")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(testenv.RepoRoot(f)), "shared", "fixtures", "iris")
	}
	rec, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	own = append(own, rec...)
	for _, p := range own {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `""`, `{"response":{}}`, `{"error":{"code":403}}`, `[{"domain":""}]`,
		`{"domain":"x","alexa":"1e3","ip":[{"asn":"-1"}],"website_title":7}`,
		`{"response":{"results":[{"domain":"x","domain_risk":{"risk_score":"9e99"}}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		resp, err := iris.DecodeResponse(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("decoded but cannot encode: %v", err)
		}
		if _, err := iris.DecodeResponse(out); err != nil {
			t.Fatalf("re-encoded body does not decode: %v\n%s", err, out)
		}
	})
}
