package resilient_test

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/resilient"
)

// BenchmarkDecodeFunctionFrame decodes the recorded FunctionDataDTO frame.
func BenchmarkDecodeFunctionFrame(b *testing.B) {
	f := loadFrame(b)
	h := resilient.ParseHeaders(f.Headers)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := resilient.Decode(h, f.Body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResultReply builds a final result reply.
func BenchmarkResultReply(b *testing.B) {
	p := resilient.ResultPayload{Success: true, Content: map[string]any{"domain": "int-chase.com", "risk": 100},
		Inputs: map[string]any{"dt_domain_name": "int-chase.com"}}
	b.ReportAllocs()
	for b.Loop() {
		_ = resilient.ResultReply(p)
	}
}
