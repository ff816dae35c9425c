package work

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/domain"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/profile"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/store"
)

// failing is a worker whose Work fails with err.
type failing struct{ err error }

func (failing) Inputs(*Message) (struct{}, error) { return struct{}{}, nil }
func (f failing) Work(context.Context, *Call[struct{}]) (any, error) {
	return nil, fmt.Errorf("work: %w", f.err)
}

// invocationOf is an invocation of kind with the payload its kind comes in.
func invocationOf(kind flow.Kind) *flow.Invocation {
	inv := &flow.Invocation{Version: flow.Version, ID: "inv-" + string(kind), Kind: kind,
		Route: flow.Route{Org: 201, Destination: "domaintools"}, IncidentID: 4206}
	switch kind {
	case flow.KindAuto:
		inv.Payload, inv.Body = flow.PayloadAction, json.RawMessage(`{"action_id":1}`)
	default:
		inv.Payload, inv.Body = flow.PayloadFunction, json.RawMessage(`{"function":{"name":"f"},"inputs":{}}`)
	}
	return inv
}

func irisErr(kind iris.ErrorKind) error {
	return &iris.Error{Kind: kind, Endpoint: "/v1/iris-investigate/", Message: "m",
		Retryable: kind == iris.KindUnavailable || kind == iris.KindServer || kind == iris.KindTimeout || kind == iris.KindNetwork}
}

// Every Iris and store error kind, through every kind of FN work, gets one
// decision: the same whatever the function.
func TestOneDecisionPerErrorKind(t *testing.T) {
	t.Parallel()
	kinds := []flow.Kind{flow.KindProfile, flow.KindFormat, flow.KindRisk, flow.KindTags, flow.KindAuto,
		flow.KindPivotsDiscover, flow.KindPivotsExecute, flow.KindPivotsAuto}
	tests := []struct {
		name  string
		err   error
		want  flow.Action
		delay time.Duration // the Nak delay when the error sets one, else 0 (backoff)
	}{
		{"iris unknown", irisErr(iris.KindUnknown), flow.Nak, 0},
		{"iris auth", irisErr(iris.KindAuth), flow.Term, 0},
		{"iris bad request", irisErr(iris.KindBadRequest), flow.Term, 0},
		{"iris not found", irisErr(iris.KindNotFound), flow.Term, 0},
		{"iris limit exceeded", irisErr(iris.KindLimitExceeded), flow.Term, 0},
		{"iris unavailable", irisErr(iris.KindUnavailable), flow.Nak, UnavailableDelay},
		{"iris server", irisErr(iris.KindServer), flow.Nak, 0},
		{"iris timeout", irisErr(iris.KindTimeout), flow.Nak, 0},
		{"iris malformed", irisErr(iris.KindMalformed), flow.Nak, 0},
		{"iris network", irisErr(iris.KindNetwork), flow.Nak, 0},
		{"iris canceled", irisErr(iris.KindCanceled), flow.Nak, 0},
		{"iris refused one domain", &profile.DomainError{Domain: "x.com", Err: irisErr(iris.KindBadRequest)}, flow.Term, 0},
		{"store not found", fmt.Errorf("store: x: %w", store.ErrNotFound), flow.Nak, 0},
		{"store invalid", fmt.Errorf("store: x: %w", store.ErrInvalid), flow.Term, 0},
		{"store already applied", fmt.Errorf("store: x: %w", store.ErrAlreadyApplied), flow.Nak, 0},
		{"store schema behind", fmt.Errorf("store: %w", store.ErrSchemaBehind), flow.Nak, 0},
		{"store quota exhausted", fmt.Errorf("store: quota: %w", store.ErrQuotaExhausted), flow.Nak, UnavailableDelay},
		{"store connection", errors.New("store: dial tcp 127.0.0.1:5432: connection refused"), flow.Nak, 0},
		{"context canceled", context.Canceled, flow.Nak, 0},
		{"bad input", BadInput("dt_domain_name is required"), flow.Term, 0},
		{"not a domain", fmt.Errorf("normalize: %w", domain.ErrNotDomain), flow.Term, 0},
		{"malformed message", fmt.Errorf("decode: %w", resilient.ErrMalformed), flow.Term, 0},
	}
	ws := New(Config{Service: "test", Consumer: flow.EnricherConsumer})
	for _, tt := range tests {
		for _, k := range kinds {
			Register(ws, k, failing{tt.err})
		}
		for _, k := range kinds {
			err := ws.answer(context.Background(), invocationOf(k), time.Now())
			d := flow.Decide(err, 1, ws.cfg.Consumer.Config.MaxDeliver)
			want := tt.delay
			if want == 0 && tt.want == flow.Nak {
				want = flow.Backoff(1)
			}
			if d.Action != tt.want || (d.Action == flow.Nak && d.Delay != want) {
				t.Errorf("%s through %s: %v after %v, want %v after %v", tt.name, k, d.Action, d.Delay, tt.want, want)
			}
		}
	}
}

// Iris refusing the credentials makes the service not ready until an Iris
// call succeeds.
func TestUnauthorizedTurnsNotReady(t *testing.T) {
	t.Parallel()
	ready := obs.NewReadiness()
	ws := New(Config{Service: "test", Consumer: flow.PivoterConsumer, Ready: ready})
	Register(ws, flow.KindPivotsExecute, failing{irisErr(iris.KindAuth)})
	ws.setReady(true, "")
	_ = ws.answer(context.Background(), invocationOf(flow.KindPivotsExecute), time.Now())
	if ok, _ := ready.Ready(); ok {
		t.Fatal("ready after Iris refused the credentials")
	}
	ws.IrisAnswered(errors.New("still failing"))
	if ok, _ := ready.Ready(); ok {
		t.Fatal("ready after a failed Iris call")
	}
	ws.IrisAnswered(nil)
	if ok, _ := ready.Ready(); !ok {
		t.Fatal("not ready after Iris answered")
	}
}
