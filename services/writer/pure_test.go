package writer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

func TestLedgerStep(t *testing.T) {
	t.Parallel()
	id := int64(7)
	tests := []struct {
		name    string
		e       store.LedgerEntry
		created bool
		want    step
	}{
		{"new command", store.LedgerEntry{State: store.LedgerPending, Attempts: 1}, true, stepWrite},
		{"applied before", store.LedgerEntry{State: store.LedgerApplied, ObjectID: &id, Attempts: 2}, false, stepDone},
		{"pending from a crash", store.LedgerEntry{State: store.LedgerPending, Attempts: 2}, false, stepReconcile},
		{"failed, begun again", store.LedgerEntry{State: store.LedgerFailed, Attempts: 3}, false, stepReconcile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ledgerStep(tt.e, tt.created); got != tt.want {
				t.Errorf("ledgerStep = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatchNote(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	note := func(id int64, content string, at time.Time) resilient.Comment {
		return resilient.Comment{ID: id, Text: resilient.Text{Format: "text", Content: content}, CreateDate: resilient.MS(at)}
	}
	tests := []struct {
		name   string
		notes  []resilient.Comment
		want   int64
		wantOK bool
	}{
		{"none", nil, 0, false},
		{"other content", []resilient.Comment{note(1, "other", since)}, 0, false},
		{"same content, too old", []resilient.Comment{note(1, "hello", since.Add(-time.Minute))}, 0, false},
		{"same content, in window", []resilient.Comment{note(1, "other", since), note(2, " hello\n", since.Add(time.Second))}, 2, true},
		{"earliest in window wins", []resilient.Comment{note(3, "hello", since.Add(2*time.Second)), note(2, "hello", since)}, 2, true},
		{"no create date counts as recent", []resilient.Comment{{ID: 9, Text: resilient.Text{Content: "hello"}}}, 9, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := matchNote(tt.notes, "hello", since)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("matchNote = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMatchRow(t *testing.T) {
	t.Parallel()
	row := func(id int64, cells map[string]any) resilient.TableRow {
		r := resilient.TableRow{ID: id, Cells: map[string]resilient.Cell{}}
		for k, v := range cells {
			r.Cells[k] = resilient.Cell{Value: v}
		}
		return r
	}
	want := map[string]any{"domain_name": "a.com", "age": 3, "tags": []string{"x"}}
	tests := []struct {
		name   string
		rows   []resilient.TableRow
		want   int64
		wantOK bool
	}{
		{"none", nil, 0, false},
		{"different value", []resilient.TableRow{row(1, map[string]any{"domain_name": "b.com", "age": 3.0, "tags": []any{"x"}})}, 0, false},
		{"missing column", []resilient.TableRow{row(1, map[string]any{"domain_name": "a.com", "age": 3.0})}, 0, false},
		{"extra non-empty column", []resilient.TableRow{row(1, map[string]any{"domain_name": "a.com", "age": 3.0, "tags": []any{"x"}, "alexa": 5.0})}, 0, false},
		{"equal after JSON, extra empty column", []resilient.TableRow{row(4, map[string]any{"domain_name": "a.com", "age": 3.0, "tags": []any{"x"}, "alexa": nil})}, 4, true},
		{"newest of equal rows", []resilient.TableRow{row(4, want), row(6, want), row(5, want)}, 6, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := matchRow(tt.rows, want)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("matchRow = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMatchArtifact(t *testing.T) {
	t.Parallel()
	arts := []resilient.Artifact{
		{ID: 1, Type: resilient.Ref{ID: resilient.ArtifactIPAddress}, Value: "evil.com"},
		{ID: 2, Type: resilient.Ref{Name: "DNS Name"}, Value: "Evil.com"},
		{ID: 3, Type: resilient.Ref{ID: resilient.ArtifactDNSName}, Value: "good.com"},
	}
	tests := []struct {
		name   string
		typ    int
		value  string
		want   int64
		wantOK bool
	}{
		{"by name, case-insensitive", resilient.ArtifactDNSName, "evil.COM", 2, true},
		{"by id", resilient.ArtifactDNSName, "good.com", 3, true},
		{"other type", resilient.ArtifactIPAddress, "good.com", 0, false},
		{"absent", resilient.ArtifactDNSName, "new.com", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := matchArtifact(arts, tt.typ, tt.value)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("matchArtifact = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	wrap := func(e *resilient.Error) error { return fmt.Errorf("add note: %w", e) }
	tests := []struct {
		name      string
		err       error
		want      outcome
		wantDelay time.Duration
	}{
		{"401", wrap(&resilient.Error{Status: 401, Kind: resilient.KindAuth}), unauthorized, 0},
		{"403", wrap(&resilient.Error{Status: 403, Kind: resilient.KindAuth}), unauthorized, 0},
		{"404 incident", wrap(&resilient.Error{Status: 404, Kind: resilient.KindNotFound}), permanent, 0},
		{"400 bad column", wrap(&resilient.Error{Status: 400, Kind: resilient.KindClient}), permanent, 0},
		{"500", wrap(&resilient.Error{Status: 500, Kind: resilient.KindServer, Retryable: true}), transient, 0},
		{"429 with Retry-After", wrap(&resilient.Error{Status: 429, Kind: resilient.KindRateLimited, Retryable: true, RetryAfter: 3 * time.Second}), transient, 3 * time.Second},
		{"timeout", wrap(&resilient.Error{Kind: resilient.KindNetwork, Retryable: true, Err: context.DeadlineExceeded}), transient, 0},
		{"ledger down", errors.New("ledger begin: connection refused"), transient, 0},
		{"permanent", flow.Permanentf("no"), permanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
			if tt.want != transient {
				return
			}
			d := flow.Decide(retryLater(tt.err), 1, 20)
			if d.Action != flow.Nak {
				t.Fatalf("decision %v, want nak", d.Action)
			}
			if tt.wantDelay != 0 && d.Delay != tt.wantDelay {
				t.Errorf("delay %v, want Retry-After %v", d.Delay, tt.wantDelay)
			}
		})
	}
}

func TestCredentialsWork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"ok", nil, true},
		{"404 is past auth", &resilient.Error{Status: 404, Kind: resilient.KindNotFound}, true},
		{"401", &resilient.Error{Status: 401, Kind: resilient.KindAuth}, false},
		{"network", &resilient.Error{Kind: resilient.KindNetwork}, false},
		{"other", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := credentialsWork(tt.err); got != tt.want {
				t.Errorf("credentialsWork = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestKeyLocksSerialiseOneKey(t *testing.T) {
	t.Parallel()
	k := newKeyLocks()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := k.lock("cmd-1")
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Errorf("%d holders at once, want 1", maxInside.Load())
	}
	if len(k.m) != 0 {
		t.Errorf("%d locks left behind", len(k.m))
	}
}

func TestErrorReplyIDIsDeterministic(t *testing.T) {
	t.Parallel()
	cmd := &flow.WriteCommand{ID: "inv-1/row/a.com", InvocationID: "inv-1"}
	if got, want := errorReplyID(cmd), "inv-1/write-error/inv-1/row/a.com#0"; got != want {
		t.Errorf("errorReplyID = %q, want %q", got, want)
	}
}

func TestOrgLimitsArePerOrg(t *testing.T) {
	t.Parallel()
	l := newOrgLimits(5)
	// Wait fails at once when the wait would outlast the context, so the
	// budget shows without timing anything.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for i := range 5 {
		if err := l.wait(ctx, 201); err != nil {
			t.Fatalf("request %d within the burst: %v", i+1, err)
		}
	}
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if err := l.wait(short, 201); err == nil {
		t.Error("a 6th request in the same second of org 201 was not held back")
	}
	if err := l.wait(short, 202); err != nil {
		t.Errorf("org 202 is held back by org 201: %v", err)
	}
}
