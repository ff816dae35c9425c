package flow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	transient := errors.New("iris unavailable")
	cases := []struct {
		name       string
		err        error
		delivered  int
		maxDeliver int
		want       flow.Action
		delay      time.Duration
	}{
		{"success", nil, 1, 5, flow.Ack, 0},
		{"permanent on first delivery", flow.Permanentf("not a domain: %q", "1.2.3.4"), 1, 5, flow.Term, 0},
		{"transient first", transient, 1, 5, flow.Nak, time.Second},
		{"transient third", transient, 3, 5, flow.Nak, 4 * time.Second},
		{"transient exhausted", transient, 5, 5, flow.Term, 0},
		{"transient unlimited", transient, 50, -1, flow.Nak, time.Minute},
		{"retry after", &flow.RetryAfter{Err: transient, Delay: 42 * time.Second}, 1, 5, flow.Nak, 42 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := flow.Decide(c.err, c.delivered, c.maxDeliver)
			if d.Action != c.want || d.Delay != c.delay {
				t.Fatalf("Decide = %v/%v, want %v/%v", d.Action, d.Delay, c.want, c.delay)
			}
			if d.Action == flow.Term && d.Reason == "" {
				t.Fatal("a terminated message needs a reason")
			}
		})
	}
}

func TestPermanentWrapping(t *testing.T) {
	t.Parallel()
	base := errors.New("base")
	err := flow.Permanent(base)
	if !flow.IsPermanent(err) || !errors.Is(err, base) {
		t.Fatal("Permanent must keep both the cause and the mark")
	}
	if flow.Permanent(nil) != nil {
		t.Fatal("Permanent(nil) must be nil")
	}
	if flow.IsPermanent(base) {
		t.Fatal("plain errors are transient")
	}
}
