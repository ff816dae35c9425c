//go:build testcontainers

package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"
)

// dockerContainer names the PostgreSQL container. Every test binary of one
// `go test` run shares it (testcontainers' reuse by name), and testcontainers'
// reaper removes it when the run ends.
const dockerContainer = "irisflow-test-postgres"

// defaultPostgresImage is the image started when IRISFLOW_TEST_POSTGRES_IMAGE is unset.
const defaultPostgresImage = "postgres:16-alpine"

// dockerFallback starts PostgreSQL with testcontainers-go when no server is
// reachable at the default URL; built with -tags testcontainers.
func dockerFallback(howTo string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := dockerHealth(ctx); err != nil {
		return "", fmt.Errorf("no PostgreSQL at %s and no Docker engine (%s): %s", describe(DefaultTestDatabaseURL), oneLine(err), howTo)
	}
	u, err := containerPostgres(ctx)
	if err != nil {
		return "", fmt.Errorf("no PostgreSQL at %s, and starting one with testcontainers failed (%s): %s", describe(DefaultTestDatabaseURL), oneLine(err), howTo)
	}
	return u, nil
}

// dockerHealth reports whether testcontainers reaches a Docker engine.
// testcontainers panics, rather than erring, on some broken set-ups.
func dockerHealth(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docker provider: %v", r)
		}
	}()
	p, err := testcontainers.ProviderDocker.GetProvider(testcontainers.WithLogger(tclog.NewNoopLogger()))
	if err != nil {
		return err
	}
	defer p.Close()
	return p.Health(ctx)
}

// containerPostgres starts (or joins) the irisflow-test-postgres container
// and returns its superuser URL once it accepts connections. The image is
// $IRISFLOW_TEST_POSTGRES_IMAGE, default postgres:16-alpine.
func containerPostgres(ctx context.Context) (string, error) {
	image := os.Getenv("IRISFLOW_TEST_POSTGRES_IMAGE")
	if image == "" {
		image = defaultPostgresImage
	}
	c, err := testcontainers.Run(ctx, image,
		testcontainers.WithReuseByName(dockerContainer),
		testcontainers.WithLogger(tclog.NewNoopLogger()),
		testcontainers.WithEnv(map[string]string{"POSTGRES_HOST_AUTH_METHOD": "trust"}),
		testcontainers.WithExposedPorts("5432/tcp"),
		// The entrypoint starts PostgreSQL twice (init, then for real): ready
		// is the second "ready" line, with the port listening.
		testcontainers.WithWaitStrategyAndDeadline(2*time.Minute,
			wait.ForListeningPort("5432/tcp"),
			wait.ForLog("database system is ready to accept connections").WithOccurrence(2),
		),
	)
	if err != nil {
		return "", fmt.Errorf("run %s: %w", image, err)
	}
	hostPort, err := c.PortEndpoint(ctx, "5432/tcp", "")
	if err != nil {
		return "", fmt.Errorf("container %s port: %w", dockerContainer, err)
	}
	u := "postgres://postgres@" + hostPort + "/postgres?sslmode=disable"
	// The wait strategy has seen the server up; this bounds the last gap
	// (a reused container still starting, a port forwarder not ready).
	deadline := time.Now().Add(time.Minute)
	for {
		err := ping(u, 2*time.Second)
		if err == nil {
			return u, nil
		}
		if time.Now().After(deadline) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("container %s not ready within 1m: %w", dockerContainer, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
