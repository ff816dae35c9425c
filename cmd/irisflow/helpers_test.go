package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
	"github.com/irisflow/irisflow/pkg/testenv"
)

// execute runs the irisflow command line with args and returns what it
// wrote (stdout and stderr together) and its error.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

// testDatabase returns the URL of a fresh, migrated database and a store
// open on it; the store is closed, then the database dropped, when the test
// ends.
func testDatabase(t *testing.T) (string, *store.Store) {
	t.Helper()
	dbURL := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return dbURL, st
}
