package testenv

import (
	"context"
	"os"
	"os/exec"
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

func TestPostgresProbe(t *testing.T) {
	if os.Getenv("IRISFLOW_TESTENV_PROBE") != "1" {
		t.Skip("child of TestPostgresUnreachableFailsWithHowTo")
	}
	Postgres(t)
}
