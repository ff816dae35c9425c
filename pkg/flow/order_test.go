package flow_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
)

// With an OrderKey, messages of one key are handled one at a time in
// delivery order while messages of other keys run at the same time: the
// first message of every key is held until all of them are running at
// once, which cannot happen if one key waited for another.
func TestConsumeOrderKey(t *testing.T) {
	t.Parallel()
	ctx, js := setup(t)
	const keys, perKey = 20, 3
	pub := flow.Publisher{JS: js}
	for seq := range perKey { // interleaved: every key's seq 0, then every key's seq 1, ...
		for k := range keys {
			r := &flow.Reply{InvocationID: fmt.Sprintf("inv-%d", k), Seq: seq, Route: flow.Route{Org: 201, Destination: "domaintools", ReplyTo: "/queue/acks.201.domaintools"}, Message: []byte(`{}`)}
			if err := pub.Reply(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}

	var (
		mu      sync.Mutex
		running = map[string]int{}
		order   = map[string][]int{}
		heads   int
		overlap []string
		total   int
	)
	allHeads := make(chan struct{})
	done := make(chan struct{})
	h := func(ctx context.Context, msg jetstream.Msg) error {
		r, err := flow.Decode[flow.Reply](msg.Data())
		if err != nil {
			return flow.Permanent(err)
		}
		mu.Lock()
		running[r.InvocationID]++
		if running[r.InvocationID] > 1 {
			overlap = append(overlap, r.ID)
		}
		order[r.InvocationID] = append(order[r.InvocationID], r.Seq)
		if r.Seq == 0 {
			heads++
			if heads == keys {
				close(allHeads)
			}
		}
		mu.Unlock()
		if r.Seq == 0 {
			select {
			case <-allHeads:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		mu.Lock()
		running[r.InvocationID]--
		total++
		if total == keys*perKey {
			close(done)
		}
		mu.Unlock()
		return nil
	}
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- flow.Consume(cctx, js, flow.BridgeConsumer, h, flow.ConsumeOptions{
			Service: "test", Concurrency: 64,
			OrderKey: func(m jetstream.Msg) string {
				id := m.Headers().Get(jetstream.MsgIDHeader)
				return id[:strings.LastIndexByte(id, '#')]
			},
		})
	}()
	select {
	case <-done:
	case <-ctx.Done():
		mu.Lock()
		t.Fatalf("only %d of %d messages handled (%d heads running at once)", total, keys*perKey, heads)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(overlap) > 0 {
		t.Errorf("messages handled while another of their key ran: %v", overlap)
	}
	for k, seqs := range order {
		if fmt.Sprint(seqs) != "[0 1 2]" {
			t.Errorf("%s handled in order %v, want [0 1 2]", k, seqs)
		}
	}
}
