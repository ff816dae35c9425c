package deps_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/deps"
	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// configFor is a valid configuration of services on a fresh, empty
// database and an embedded NATS server.
func configFor(t *testing.T, services ...string) *config.Config {
	t.Helper()
	n := testenv.StartNATS(t)
	c := &config.Config{
		DatabaseURL: testenv.EmptyPostgres(t),
		NATSURL:     n.URL,
		HTTPListen:  "127.0.0.1:0",
		Services:    services,
		STOMP:       config.STOMP{URL: "stomp://127.0.0.1:61613", Destinations: []config.Destination{{Org: 201, Name: "dt"}, {Org: 202, Name: "dt"}}},
		Resilient:   config.Resilient{URL: "http://127.0.0.1:1", APIKeyID: "id", APIKeySecret: "secret"},
		Iris:        config.Iris{URL: "http://127.0.0.1:1", User: "u", Key: "k"},
	}
	c.Defaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenConnectsWhatTheServicesNeed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		services      []string
		wantIris      bool
		wantResilient bool
	}{
		{[]string{config.ServiceEnricher}, true, false},
		{[]string{config.ServicePivoter}, true, false},
		{[]string{config.ServiceWriter}, false, true},
		{[]string{config.ServiceBridge}, false, false},
		{config.AllServices, true, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.services, "+"), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d, err := deps.Open(ctx, configFor(t, tt.services...), quiet(), deps.WithVersion("1.2.3"))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if (d.Iris != nil) != tt.wantIris || (d.Quota != nil) != tt.wantIris {
				t.Errorf("iris %v quota %v, want them: %v", d.Iris != nil, d.Quota != nil, tt.wantIris)
			}
			if (d.Resilient != nil) != tt.wantResilient {
				t.Errorf("resilient factory %v, want %v", d.Resilient != nil, tt.wantResilient)
			}
			if d.Store == nil || d.JS == nil || d.Ready == nil || d.Version != "1.2.3" {
				t.Fatalf("deps %+v", d)
			}
			// Migrated: the profile cache answers.
			if _, err := d.Store.LatestProfiles(ctx, []string{"example.com"}, 0); err != nil {
				t.Errorf("store not migrated: %v", err)
			}
			for _, s := range []string{flow.StreamFN, flow.StreamWrites, flow.StreamReplies, flow.StreamDLQ} {
				if _, err := d.JS.Stream(ctx, s); err != nil {
					t.Errorf("stream %s: %v", s, err)
				}
			}
		})
	}
}

func TestResilientServesTheDestinationsOrgs(t *testing.T) {
	t.Parallel()
	d, err := deps.Open(context.Background(), configFor(t, config.ServiceWriter), quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	a, err := d.Resilient(201)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := d.Resilient(201); err != nil || again != a {
		t.Errorf("the client of org 201 is not kept: %p %p %v", a, again, err)
	}
	if b, err := d.Resilient(202); err != nil || b == a {
		t.Errorf("org 202: %v (same client as 201: %v)", err, b == a)
	}
	if _, err := d.Resilient(999); err == nil || !strings.Contains(err.Error(), "IRISFLOW_DESTINATIONS") {
		t.Errorf("org 999 (no destination): err = %v", err)
	}
}

func TestOpenFailsWithContextAndLeavesNothingOpen(t *testing.T) {
	t.Parallel()
	off := false
	tests := []struct {
		name   string
		mutate func(*config.Config)
		want   string
	}{
		{"nats unreachable", func(c *config.Config) { c.NATSURL = "nats://127.0.0.1:1" }, "connect nats"},
		{"database unreachable", func(c *config.Config) {
			c.Migrate = &off
			c.DatabaseURL = "postgres://postgres@127.0.0.1:1/irisflow?sslmode=disable&connect_timeout=5"
		}, "deps:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := configFor(t, config.ServiceEnricher)
			tt.mutate(c)
			d, err := deps.Open(context.Background(), c, quiet())
			if err == nil || d != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("deps %v, err = %v; want none and an error mentioning %q", d, err, tt.want)
			}
		})
	}
}

// With migrations off, Open leaves the database alone and refuses one that
// lacks the schema, naming the command that fixes it; once `irisflow
// migrate` (store.Migrate) has run, the same configuration opens.
func TestOpenWithMigrationsOffChecksTheSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := configFor(t, config.ServiceWriter)
	off := false
	cfg.Migrate = &off
	_, err := deps.Open(ctx, cfg, quiet())
	if !errors.Is(err, store.ErrSchemaBehind) || !strings.Contains(err.Error(), "irisflow migrate") {
		t.Fatalf("Open on an empty database with migrations off: %v", err)
	}
	if err := store.Migrate(ctx, cfg.DatabaseURL, store.WithMigrateLogger(quiet())); err != nil {
		t.Fatal(err)
	}
	d, err := deps.Open(ctx, cfg, quiet())
	if err != nil {
		t.Fatalf("Open after migrating separately: %v", err)
	}
	d.Close()
}
