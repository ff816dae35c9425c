//go:build testcontainers

package testenv

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// fakeEngineWant is what dockerFallback says, with -tags testcontainers,
// when the Docker socket accepts connections but no Docker API answers.
const fakeEngineWant = "no PostgreSQL at 127.0.0.1:5432 and no Docker engine ("

// fallbackProbeSkip says why TestDockerFallbackSaysHowTo cannot run: with a
// Docker engine at the default socket, testcontainers falls back to it
// whatever DOCKER_HOST says, so no engine can be hidden from the probe.
func fallbackProbeSkip() string {
	if c, err := net.DialTimeout("unix", "/var/run/docker.sock", time.Second); err == nil {
		c.Close()
		return "a Docker engine answers at /var/run/docker.sock, which testcontainers uses whatever DOCKER_HOST says: the no-engine messages cannot be provoked here"
	}
	return ""
}

// TestContainerPostgres starts (or joins) the testcontainers PostgreSQL and
// creates a database on it. It needs a Docker engine: `make test` builds
// with -tags testcontainers only when `docker info` succeeds.
func TestContainerPostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := dockerHealth(ctx); err != nil {
		t.Fatalf("built with -tags testcontainers but no Docker engine answers (%v): build without the tag, or start Docker", err)
	}
	u, err := containerPostgres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := "irisflow_test_" + randomHex(8)
	if err := adminExec(ctx, u, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = adminExec(context.Background(), u, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	dbURL, err := withDatabase(u, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != name {
		t.Errorf("connected to database %q, want %q", got, name)
	}
}
