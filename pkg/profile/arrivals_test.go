package profile_test

import (
	"context"
	"testing"

	"github.com/irisflow/irisflow/pkg/profile"
)

func TestArrivalsPending(t *testing.T) {
	t.Parallel()
	type step struct {
		do   func(as *profile.Arrivals, live []*profile.Arrival) []*profile.Arrival
		want int64
	}
	start := func(as *profile.Arrivals, live []*profile.Arrival) []*profile.Arrival {
		_, a := as.Start(context.Background())
		return append(live, a)
	}
	queued := func(seq, behind uint64) func(*profile.Arrivals, []*profile.Arrival) []*profile.Arrival {
		return func(as *profile.Arrivals, live []*profile.Arrival) []*profile.Arrival {
			as.Queued(seq, behind)
			return live
		}
	}
	done := func(i int) func(*profile.Arrivals, []*profile.Arrival) []*profile.Arrival {
		return func(_ *profile.Arrivals, live []*profile.Arrival) []*profile.Arrival {
			live[i].Done()
			live[i].Done() // idempotent
			return live
		}
	}
	end := func(i int) func(*profile.Arrivals, []*profile.Arrival) []*profile.Arrival {
		return func(_ *profile.Arrivals, live []*profile.Arrival) []*profile.Arrival {
			live[i].End()
			live[i].End() // idempotent
			return live
		}
	}
	tests := []struct {
		name     string
		capacity int
		steps    []step
	}{
		{"handled messages until their lookup", 0, []step{
			{start, 1}, {start, 2}, {done(0), 1}, {end(0), 1}, {end(1), 0},
		}},
		{"queued behind the latest delivery", 0, []step{
			{start, 1}, {queued(1, 299), 300}, {done(0), 299},
			{start, 300}, {queued(2, 298), 299}, {done(1), 298},
			// A late report of an earlier delivery does not bring its count back.
			{queued(1, 299), 298},
			{start, 299}, {queued(300, 0), 1}, {done(2), 0},
		}},
		{"queued messages count only while there is room for them", 2, []step{
			{start, 1}, {queued(1, 10), 2}, {done(0), 1}, // room for 1 more
			{start, 1}, {queued(2, 9), 1}, {done(1), 0}, // full: none can arrive
			{end(0), 1}, {end(1), 2},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var as profile.Arrivals
			if tc.capacity > 0 {
				as.SetCapacity(tc.capacity)
			}
			var live []*profile.Arrival
			for i, st := range tc.steps {
				live = st.do(&as, live)
				if got := as.Pending(); got != st.want {
					t.Fatalf("step %d: Pending() = %d, want %d", i, got, st.want)
				}
			}
		})
	}
	var none *profile.Arrivals
	if none.Pending() != 0 {
		t.Error("a nil Arrivals has messages pending")
	}
}
