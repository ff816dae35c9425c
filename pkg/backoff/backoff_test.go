package backoff_test

import (
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/backoff"
)

func TestStepDoublesUpToMax(t *testing.T) {
	t.Parallel()
	p := backoff.Policy{Base: time.Second, Max: time.Minute}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for n, w := range want {
		if got := p.Step(n); got != w {
			t.Errorf("Step(%d) = %v, want %v", n, got, w)
		}
	}
	if got := p.Step(1000); got != time.Minute {
		t.Errorf("Step(1000) = %v: overflow not capped", got)
	}
	if got := p.Step(-1); got != time.Second {
		t.Errorf("Step(-1) = %v, want Base", got)
	}
	if got := (backoff.Policy{Max: time.Second}).Delay(3); got != 0 {
		t.Errorf("zero Base gave %v", got)
	}
}

func TestDelayIsJitteredInTheUpperHalf(t *testing.T) {
	t.Parallel()
	p := backoff.Policy{Base: 10 * time.Millisecond, Max: 300 * time.Millisecond}
	for n := range 10 {
		step := p.Step(n)
		distinct := map[time.Duration]bool{}
		for range 200 {
			d := p.Delay(n)
			if d < step/2 || d > step {
				t.Fatalf("Delay(%d) = %v outside [%v, %v]", n, d, step/2, step)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Errorf("Delay(%d) is not jittered: %d distinct values", n, len(distinct))
		}
	}
}

func TestSequenceResets(t *testing.T) {
	t.Parallel()
	s := backoff.Sequence{Policy: backoff.Policy{Base: time.Second, Max: 8 * time.Second}}
	for n := range 6 {
		step := s.Policy.Step(n)
		if d := s.Next(); d < step/2 || d > step {
			t.Fatalf("delay %d = %v outside [%v, %v]", n, d, step/2, step)
		}
	}
	s.Reset()
	if d := s.Next(); d > time.Second {
		t.Fatalf("after Reset: %v, want at most Base", d)
	}
}
