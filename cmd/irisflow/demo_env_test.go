package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// The demo's last resort: a throwaway cluster from the local binaries; it
// restarts on the same port and data.
func TestThrowawayCluster(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "irisflow-pg-") // not t.TempDir: postgres must own it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	u, pg, err := throwawayCluster(ctx, dir)
	if err != nil {
		t.Fatalf("throwaway cluster: %v", err)
	}
	defer pg.Stop()
	if err := pingDB(ctx, u); err != nil {
		t.Fatalf("cluster started but does not answer: %v", err)
	}
	// make chaos restarts it under load: same port, same data.
	if err := pg.Restart(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if err := pingDB(ctx, u); err != nil {
		t.Fatalf("cluster restarted but does not answer: %v", err)
	}
}
