// Package depstest runs the test every service has of its FromConfig: the
// service's configuration, loaded as its binary loads it, and a *deps.Deps
// such as deps.Open hands it, turned into the service's Config.
package depstest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/iris"
	"github.com/irisflow/irisflow/pkg/obs"
	"github.com/irisflow/irisflow/pkg/resilient"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// Version is the Deps.Version of Deps.
const Version = "1.2.3"

// ErrNoResilient is what the Deps.Resilient of Deps returns for every org.
var ErrNoResilient = errors.New("depstest: no Resilient client")

// Case is one row of a FromConfig test.
type Case[C any] struct {
	Name string
	// Env holds the IRISFLOW_* variables.
	Env map[string]string
	// YAML is the configuration file; "" for none.
	YAML string
	// Iris is the Deps.Iris FromConfig gets; nil for none.
	Iris *iris.Client
	// Check fails the test unless c is what the case configures.
	Check func(t *testing.T, c C)
}

// FromConfig runs every case, in parallel: it loads service's
// configuration from the case's Env and YAML (testenv.Config), turns it and
// Deps(case.Iris) into the service's Config with from, checks that the
// Config holds the connections every service takes from the Deps (Passed),
// then runs case.Check.
func FromConfig[C any](t *testing.T, service string, from func(*config.Config, *deps.Deps) C, cases ...Case[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			d := Deps(tc.Iris)
			c := from(testenv.Config(t, service, tc.YAML, tc.Env), d)
			if err := Passed(c, d); err != nil {
				t.Error(err)
			}
			tc.Check(t, c)
		})
	}
}

// Passed is nil if c, a service's Config (a struct), holds the connections
// d hands every service: it has a *slog.Logger field and an *obs.Readiness
// field, each of its exported fields of those types or of type
// *obs.Metrics holds d's Log, Ready or Metrics, and a string field named
// Version holds d.Version. Otherwise it names the fields that do not.
func Passed(c any, d *deps.Deps) error {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("depstest: %T is not a struct", c)
	}
	want := map[reflect.Type]any{
		reflect.TypeFor[*slog.Logger]():   d.Log,
		reflect.TypeFor[*obs.Readiness](): d.Ready,
		reflect.TypeFor[*obs.Metrics]():   d.Metrics,
	}
	var errs []error
	seen := map[reflect.Type]bool{}
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		if w, ok := want[f.Type]; ok {
			seen[f.Type] = true
			if fv.Interface() != w {
				errs = append(errs, fmt.Errorf("field %s is not the one deps holds", f.Name))
			}
		}
		if f.Name == "Version" && f.Type.Kind() == reflect.String && fv.String() != d.Version {
			errs = append(errs, fmt.Errorf("field Version is %q, deps holds %q", fv.String(), d.Version))
		}
	}
	for _, need := range []reflect.Type{reflect.TypeFor[*slog.Logger](), reflect.TypeFor[*obs.Readiness]()} {
		if !seen[need] {
			errs = append(errs, fmt.Errorf("no %v field", need))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("depstest: deps not passed to %T: %w", c, err)
	}
	return nil
}

// Deps is a *deps.Deps for FromConfig, without connections: a readiness,
// metrics, a logger that discards, Version, iris as the Iris client (may be
// nil) and a Resilient that returns ErrNoResilient.
func Deps(iris *iris.Client) *deps.Deps {
	return &deps.Deps{
		Iris:      iris,
		Resilient: func(int64) (*resilient.Client, error) { return nil, ErrNoResilient },
		Ready:     obs.NewReadiness(),
		Metrics:   obs.NewMetrics(Version),
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version:   Version,
	}
}

// IrisClient is an Iris client (user "u", key "k") on a port nothing
// listens on: FromConfig only hands it on.
func IrisClient(t testing.TB) *iris.Client {
	t.Helper()
	c, err := iris.New(iris.Config{BaseURL: "http://127.0.0.1:1", Username: "u", APIKey: "k"})
	if err != nil {
		t.Fatalf("depstest: iris client: %v", err)
	}
	return c
}

// IrisEnv is the Iris credentials the enricher's and the pivoter's
// configurations require (user "u", key "k"), with the variables kv set
// (as Env).
func IrisEnv(kv ...string) map[string]string {
	return Env(map[string]string{"IRISFLOW_IRIS_USER": "u", "IRISFLOW_IRIS_KEY": "k"}, kv...)
}

// Env returns a copy of base with the variables kv (name, value, name,
// value...) set; base is left as it is.
func Env(base map[string]string, kv ...string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
