//go:build testcontainers

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestContainerPostgres starts (or joins) the container, checks the URL
// start returns is the container's server (its port, not the machine's
// 5432) and that it is a superuser's: a database can be created and used.
// It needs a Docker engine; `make test-containers` runs it (the tag keeps
// `make test` from needing one).
func TestContainerPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	u, err := start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	var port string
	if err := conn.QueryRow(ctx, "SHOW port").Scan(&port); err != nil {
		t.Fatal(err)
	}
	if port != dockerPort() {
		t.Fatalf("server at %s listens on port %s, want the container's %s", u, port, dockerPort())
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "irisflow_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.Path = "/" + name
	db, err := pgx.Connect(ctx, p.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	var got string
	if err := db.QueryRow(ctx, "SELECT current_database()").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != name {
		t.Errorf("connected to database %q, want %q", got, name)
	}
}
