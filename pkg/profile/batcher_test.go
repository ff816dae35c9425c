package profile

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBatcher checks the batcher on its own with a resolve function that
// answers, fails or panics.
func TestBatcher(t *testing.T) {
	t.Parallel()
	errIris := errors.New("iris down")
	tests := []struct {
		name    string
		resolve resolveFunc
		wantErr string
	}{
		{"answers", func(_ context.Context, batch []lookupKey) (map[lookupKey]outcome, error) {
			out := map[lookupKey]outcome{}
			for _, k := range batch {
				out[k] = outcome{res: Answer{Domain: k.domain}}
			}
			return out, nil
		}, ""},
		{"batch error fails every key", func(context.Context, []lookupKey) (map[lookupKey]outcome, error) {
			return nil, errIris
		}, "iris down"},
		{"missing answer", func(context.Context, []lookupKey) (map[lookupKey]outcome, error) {
			return map[lookupKey]outcome{}, nil
		}, "no answer"},
		{"panic", func(context.Context, []lookupKey) (map[lookupKey]outcome, error) {
			panic("boom")
		}, "lookup panic: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var batches [][]lookupKey
			resolve := func(ctx context.Context, batch []lookupKey) (map[lookupKey]outcome, error) {
				mu.Lock()
				batches = append(batches, batch)
				mu.Unlock()
				return tt.resolve(ctx, batch)
			}
			// A window of an hour: only the size (3) sends the batch.
			b := newBatcher(context.Background(), resolve, time.Hour, time.Hour, 3, time.Minute)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i, d := range []string{"a.example", "b.example", "c.example"} {
				wg.Go(func() {
					out, err := b.lookup(ctx, []lookupKey{{domain: d}, {domain: d}})
					if err == nil && out[d].Domain != d {
						err = errors.New("wrong answer for " + d)
					}
					errs[i] = err
				})
			}
			wg.Wait()
			b.wait()
			for _, err := range errs {
				if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
			}
			if len(batches) != 1 || len(batches[0]) != 3 {
				t.Errorf("batches %v, want one of 3 keys", batches)
			}
			if len(b.inflight) != 0 {
				t.Errorf("%d keys still in flight", len(b.inflight))
			}
		})
	}
}

// TestBatcherCallerGivesUp: a lookup whose context ends returns, and the
// batch still answers the others.
func TestBatcherCallerGivesUp(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	resolve := func(_ context.Context, batch []lookupKey) (map[lookupKey]outcome, error) {
		<-release
		out := map[lookupKey]outcome{}
		for _, k := range batch {
			out[k] = outcome{res: Answer{Domain: k.domain}}
		}
		return out, nil
	}
	b := newBatcher(context.Background(), resolve, time.Millisecond, time.Millisecond, 100, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := b.lookup(ctx, []lookupKey{{domain: "a.example"}})
		gaveUp <- err
	}()
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	other := make(chan error, 1)
	go func() {
		_, err := b.lookup(context.Background(), []lookupKey{{domain: "a.example"}})
		other <- err
	}()
	close(release)
	if err := <-other; err != nil {
		t.Fatal(err)
	}
	b.wait()
}
