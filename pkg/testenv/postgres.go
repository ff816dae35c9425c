package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
	"github.com/jackc/pgx/v5"
)

// DefaultTestDatabaseURL is the server Postgres uses when
// IRISFLOW_TEST_DATABASE_URL is unset: a local PostgreSQL with trust auth.
const DefaultTestDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// Postgres creates a fresh database (irisflow_test_<random hex>) for this
// test on the test server, migrates it with store.Migrate and returns its
// URL; the database is dropped (WITH (FORCE)) when the test ends.
//
// The server is $IRISFLOW_TEST_DATABASE_URL (a superuser or CREATEDB role's
// URL), else DefaultTestDatabaseURL. When that is unset and unreachable, the
// test fails with one line saying how to provide a server (with a Docker
// engine reachable: IRISFLOW_TEST_DATABASE_URL=$(go run ./pgcontainer),
// which starts one with testcontainers-go, in a module of its own so that
// Docker's client libraries stay out of this one); it never skips.
func Postgres(t testing.TB) string {
	t.Helper()
	dbURL := EmptyPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	if err := store.Migrate(ctx, dbURL, store.WithMigrateLogger(quiet)); err != nil {
		t.Fatalf("testenv: migrate test database: %v", err)
	}
	return dbURL
}

// EmptyPostgres is Postgres without the migrations: a fresh, empty database
// (dropped when the test ends), for tests of migrating itself.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() { serverURL, serverErr = findServer() })
	if serverErr != nil {
		t.Fatalf("testenv: %v", serverErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	name := "irisflow_test_" + randomHex(8)
	if err := adminExec(ctx, serverURL, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, serverURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return dbURL
}

// PostgresStore is Postgres plus store.Open on the new database; the store
// is closed when the test ends, before the database is dropped.
func PostgresStore(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	dbURL := Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, dbURL, opts...)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// findServer picks the server, once per test binary.
func findServer() (string, error) {
	const howTo = "set IRISFLOW_TEST_DATABASE_URL to a PostgreSQL superuser URL, start PostgreSQL on 127.0.0.1:5432 (trust auth), or run .ci/run"
	if u := os.Getenv("IRISFLOW_TEST_DATABASE_URL"); u != "" {
		if err := ping(u, 5*time.Second); err != nil {
			return "", fmt.Errorf("PostgreSQL at IRISFLOW_TEST_DATABASE_URL (%s) unreachable (%s): start it or point IRISFLOW_TEST_DATABASE_URL at a reachable PostgreSQL superuser URL", describe(u), oneLine(err))
		}
		return u, nil
	}
	// IRISFLOW_TEST_POSTGRES_CONTAINER=1 (make test-containers) says the
	// server is the container's: never the local one, even where it answers.
	if os.Getenv("IRISFLOW_TEST_POSTGRES_CONTAINER") != "" {
		return "", errors.New("IRISFLOW_TEST_POSTGRES_CONTAINER is set but IRISFLOW_TEST_DATABASE_URL is not: " + containerHowTo)
	}
	if err := ping(DefaultTestDatabaseURL, 3*time.Second); err == nil {
		return DefaultTestDatabaseURL, nil
	}
	return dockerFallback(howTo)
}

// oneLine flattens a multi-line error (pgx lists every address it dialled).
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func ping(u string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.Ping(ctx)
}

func adminExec(ctx context.Context, u, sql string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns server URL u pointed at database name; u is a
// postgres:// URL or a key=value DSN.
func withDatabase(u, name string) (string, error) {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		p, err := url.Parse(u)
		if err != nil {
			return "", fmt.Errorf("parse test database url: %w", err)
		}
		p.Path = "/" + name
		p.RawPath = ""
		return p.String(), nil
	}
	return u + " dbname=" + name, nil
}

// describe names the server of u without its credentials.
func describe(u string) string {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return "(unparsable url)"
	}
	return fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
