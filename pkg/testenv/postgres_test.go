package testenv

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/irisflow_test_x?sslmode=disable"},
		{"postgresql://u:p%40ss@db/", "postgresql://u:p%40ss@db/irisflow_test_x"},
		{"host=db user=postgres dbname=postgres", "host=db user=postgres dbname=postgres dbname=irisflow_test_x"},
	}
	for _, tc := range tests {
		got, err := withDatabase(tc.in, "irisflow_test_x")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPostgresFreshDatabaseDroppedAfterTest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var name string
	t.Run("user", func(t *testing.T) {
		url := Postgres(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM iris_profiles)`).Scan(&name, &n); err != nil {
			t.Fatalf("fresh database not migrated: %v", err)
		}
		if !strings.HasPrefix(name, "irisflow_test_") || n != 0 {
			t.Fatalf("database %q with %d profiles, want a fresh irisflow_test_ one", name, n)
		}
	})
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

// TestPostgresUnreachableFailsWithHowTo runs this test binary with a server
// URL nobody listens on and checks the test fails (not skips) with a line
// saying how to provide one.
func TestPostgresUnreachableFailsWithHowTo(t *testing.T) {
	t.Parallel()
	if os.Getenv("IRISFLOW_TESTENV_PROBE") == "1" {
		t.Skip("probe runs only as a child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresProbe$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"IRISFLOW_TESTENV_PROBE=1",
		"IRISFLOW_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("probe passed with an unreachable server:\n%s", out)
	}
	if !strings.Contains(string(out), "IRISFLOW_TEST_DATABASE_URL (127.0.0.1:1) unreachable") || strings.Contains(string(out), "SKIP") {
		t.Fatalf("probe output does not say which server failed:\n%s", out)
	}
}

// TestPostgresContainerWantsURL runs this test binary with
// IRISFLOW_TEST_POSTGRES_CONTAINER=1 and no IRISFLOW_TEST_DATABASE_URL and
// checks the test fails saying how to start the container, rather than use
// the local server (which may answer).
func TestPostgresContainerWantsURL(t *testing.T) {
	t.Parallel()
	if os.Getenv("IRISFLOW_TESTENV_PROBE") == "1" {
		t.Skip("probe runs only as a child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresProbe$", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IRISFLOW_TEST_DATABASE_URL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "IRISFLOW_TESTENV_PROBE=1", "IRISFLOW_TEST_POSTGRES_CONTAINER=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("probe passed without the container's URL:\n%s", out)
	}
	want := "IRISFLOW_TEST_POSTGRES_CONTAINER is set but IRISFLOW_TEST_DATABASE_URL is not: IRISFLOW_TEST_DATABASE_URL=$(go run ./pgcontainer)"
	if !strings.Contains(string(out), want) || strings.Contains(string(out), "SKIP") {
		t.Fatalf("probe output does not say %q:\n%s", want, out)
	}
}

func TestPostgresProbe(t *testing.T) {
	if os.Getenv("IRISFLOW_TESTENV_PROBE") != "1" {
		t.Skip("child of TestPostgresUnreachableFailsWithHowTo")
	}
	Postgres(t)
}

// TestDockerFallbackSaysHowTo runs dockerFallback in a child test binary
// with $DOCKER_HOST at a socket of the test's choosing and no docker CLI on
// PATH, and checks the one line it fails with.
func TestDockerFallbackSaysHowTo(t *testing.T) {
	t.Parallel()
	if os.Getenv("IRISFLOW_TESTENV_FALLBACK_PROBE") == "1" {
		t.Skip("probe runs only as a child")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", fake)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() { // accepts and hangs up: reachable, but no Docker API behind it
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tests := []struct {
		name, socket, want string
	}{
		{"no engine", filepath.Join(dir, "none.sock"), "no PostgreSQL at 127.0.0.1:5432 and no Docker engine"},
		{"socket answers", fake, "no PostgreSQL at 127.0.0.1:5432; a Docker engine is available: IRISFLOW_TEST_DATABASE_URL=$(go run ./pgcontainer) starts one in a container"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestDockerFallbackProbe$", "-test.count=1")
			cmd.Env = append(os.Environ(), "IRISFLOW_TESTENV_FALLBACK_PROBE=1", "DOCKER_HOST=unix://"+tt.socket, "PATH=")
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("probe passed:\n%s", out)
			}
			if !strings.Contains(string(out), tt.want) || strings.Contains(string(out), "SKIP") {
				t.Fatalf("probe output does not say %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestDockerFallbackProbe(t *testing.T) {
	if os.Getenv("IRISFLOW_TESTENV_FALLBACK_PROBE") != "1" {
		t.Skip("child of TestDockerFallbackSaysHowTo")
	}
	_, err := dockerFallback("HOWTO")
	t.Fatalf("dockerFallback: %v", err)
}
