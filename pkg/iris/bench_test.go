package iris_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func benchDecode(b *testing.B, name string, want int) {
	data := readFile(b, filepath.Join(testenv.IrisFixtures(b), name))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := iris.DecodeResponse(data)
		if err != nil || len(resp.Results) != want {
			b.Fatalf("decode: %v (%d results)", err, len(resp.Results))
		}
	}
}

func BenchmarkDecodeIntChase(b *testing.B) {
	benchDecode(b, "python_api_iris_investigate_int_chase_result.json", 1)
}

func BenchmarkDecodeDomainCAT195(b *testing.B) {
	benchDecode(b, "domaincat_treatment_care_results.json", 195)
}

// BenchmarkInvestigate100 is one 100-domain Investigate round trip (sign,
// POST, read, decode, match) against a local server answering 100 results
// built from the DomainCAT recording.
func BenchmarkInvestigate100(b *testing.B) {
	recorded, err := iris.DecodeResponse(readFile(b, filepath.Join(testenv.IrisFixtures(b), "domaincat_treatment_care_results.json")))
	if err != nil {
		b.Fatal(err)
	}
	resp := iris.Response{Message: "Enjoy your data.", ResultsCount: 100, TotalCount: 100}
	domains := make([]string, 100)
	for i := range domains {
		r := recorded.Results[i]
		r.Domain = fmt.Sprintf("bench%03d.example", i)
		domains[i] = r.Domain
		resp.Results = append(resp.Results, r)
	}
	body := []byte(marshal(b, resp))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := iris.New(iris.Config{BaseURL: srv.URL, Username: testUser, APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.Investigate(b.Context(), domains)
		if err != nil || p.Len() != 100 {
			b.Fatalf("investigate: %v", err)
		}
	}
	b.ReportMetric(float64(c.Stats().Requests)/float64(b.N), "requests/op")
}
