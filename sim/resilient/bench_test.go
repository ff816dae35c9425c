package resilientsim_test

import (
	"context"
	"testing"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// BenchmarkClientAddNote measures one note POST through the client and
// the sim over loopback HTTP.
func BenchmarkClientAddNote(b *testing.B) {
	sim := resilientsim.New(resilientsim.Config{})
	url, stop, err := sim.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = stop(context.Background()) }()
	c, err := resilient.NewClient(resilient.ClientConfig{BaseURL: url, Org: org,
		APIKeyID: resilientsim.DefaultAPIKeyID, APIKeySecret: resilientsim.DefaultAPIKeySecret})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	id := sim.CreateIncident(org, "bench")
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.AddNote(ctx, id, resilient.Note{Content: "Performed DomainTools Iris profile of int-chase.com"}); err != nil {
			b.Fatal(err)
		}
	}
}
