package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.work, found by walking up from
// the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testenv: getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testenv: no go.work above the test directory")
		}
		dir = parent
	}
}

// IrisFixtures returns the directory of recorded Iris responses:
// $IRISFLOW_IRIS_FIXTURES, else ../shared/fixtures/iris beside the repository.
// The recordings are not ours to commit. When they are absent the test is
// skipped with a plain message that says where to put them.
func IrisFixtures(t testing.TB) string {
	t.Helper()
	return fixtures(t, "IRISFLOW_IRIS_FIXTURES", "iris")
}

// ResilientFixtures is IrisFixtures for the recorded SOAR frame and payload
// ($IRISFLOW_RESILIENT_FIXTURES, else ../shared/fixtures/resilient).
func ResilientFixtures(t testing.TB) string {
	t.Helper()
	return fixtures(t, "IRISFLOW_RESILIENT_FIXTURES", "resilient")
}

func fixtures(t testing.TB, env, name string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "fixtures", name)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("recorded %s fixtures not found at %s; set %s to a copy of shared/fixtures/%s", name, dir, env, name)
	}
	return dir
}

// ProjectIrisFixtures returns testdata/iris at the repository root: Iris
// responses of the project's own, in the real envelope (rendered by
// sim/iris), that tests use whether or not the recordings are present.
func ProjectIrisFixtures(t testing.TB) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "testdata", "iris")
}

// IrisFixtureFiles returns every *.json of ProjectIrisFixtures and, when
// they are present, of the recorded responses (IrisFixtures); it logs, and
// does not skip, when the recordings are absent.
func IrisFixtureFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(ProjectIrisFixtures(t), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testenv: no project Iris fixtures in %s (%v)", ProjectIrisFixtures(t), err)
	}
	dir := os.Getenv("IRISFLOW_IRIS_FIXTURES")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "fixtures", "iris")
	}
	recorded, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(recorded) == 0 {
		t.Logf("recorded iris fixtures not found at %s: testing the project's own only (set IRISFLOW_IRIS_FIXTURES)", dir)
	}
	return append(files, recorded...)
}
