package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The commands that read or migrate the database take irisflow run's
// --config: its database_url is used, and a misspelt key is refused as it
// is by irisflow run.
func TestDatabaseCommandsTakeConfig(t *testing.T) {
	t.Parallel()
	dbURL, _ := testDatabase(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "irisflow.yaml")
	if err := os.WriteFile(good, []byte("database_url: "+dbURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("databse_url: "+dbURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"migrate"},
		{"history", "--min-risk", "90"},
		{"pivots", "int-chase.com"},
	} {
		out, err := execute(t, append(args, "--config", good)...)
		if err != nil {
			t.Errorf("%s --config: %v\n%s", args[0], err, out)
		}
		if _, err := execute(t, append(args, "--config", bad)...); err == nil || !strings.Contains(err.Error(), "databse_url") {
			t.Errorf("%s with a misspelt key: %v, want the key named", args[0], err)
		}
	}
}
