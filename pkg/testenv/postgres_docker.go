//go:build testcontainers

package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"
)

// dockerContainer names the PostgreSQL container. Every test binary of one
// `go test` run shares it (testcontainers' reuse by name). It runs on the
// host's network (no bridge is needed, none is created) on dockerPort(); with
// Ryuk disabled (TESTCONTAINERS_RYUK_DISABLED=true, where the reaper image
// cannot be pulled) it outlives the run: `docker rm -f irisflow-test-postgres`.
const dockerContainer = "irisflow-test-postgres"

// defaultPostgresImage is the image started when IRISFLOW_TEST_POSTGRES_IMAGE
// is unset: the official image's interface (POSTGRES_HOST_AUTH_METHOD, PGPORT);
// hosts without a registry set local/postgres:15 (.ci/images.sh).
const defaultPostgresImage = "postgres:16-alpine"

// defaultDockerPort is the container's loopback port when
// IRISFLOW_TEST_POSTGRES_PORT is unset: not the machine's own 5432.
const defaultDockerPort = "55432"

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

// dockerPort is the loopback port the container's PostgreSQL listens on.
func dockerPort() string {
	if p := os.Getenv("IRISFLOW_TEST_POSTGRES_PORT"); p != "" {
		return p
	}
	return defaultDockerPort
}

// containerPostgres starts (or joins) the irisflow-test-postgres container
// and returns its superuser URL once it accepts connections. The image is
// $IRISFLOW_TEST_POSTGRES_IMAGE, default postgres:16-alpine. The provider and
// the container use the host's network, as on engines started with
// --bridge=none (testcontainers would otherwise create and attach a bridge).
func containerPostgres(ctx context.Context) (string, error) {
	image := os.Getenv("IRISFLOW_TEST_POSTGRES_IMAGE")
	if image == "" {
		image = defaultPostgresImage
	}
	port := dockerPort()
	p, err := testcontainers.NewDockerProvider(testcontainers.WithDefaultBridgeNetwork("host"), testcontainers.WithLogger(tclog.NewNoopLogger()))
	if err != nil {
		return "", fmt.Errorf("docker provider: %w", err)
	}
	defer p.Close()
	req := testcontainers.ContainerRequest{
		Image: image,
		Name:  dockerContainer,
		Env:   map[string]string{"POSTGRES_HOST_AUTH_METHOD": "trust", "PGPORT": port},
		HostConfigModifier: func(hc *container.HostConfig) {
			hc.NetworkMode = "host"
		},
		// The official entrypoint's first server (initdb) listens on no TCP
		// port, so the first line plus a ping of the port is enough for either.
		WaitingFor: wait.ForLog("database system is ready to accept connections").WithStartupTimeout(2 * time.Minute),
	}
	c, err := p.ReuseOrCreateContainer(ctx, req)
	if err != nil {
		return "", fmt.Errorf("run %s: %w", image, err)
	}
	if err := c.Start(ctx); err != nil {
		return "", fmt.Errorf("start %s: %w", dockerContainer, err)
	}
	u := "postgres://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable"
	// The log line says the server is up; this bounds the last gap (a reused
	// container still starting, the init server of the official image).
	deadline := time.Now().Add(time.Minute)
	for {
		err := ping(u, 2*time.Second)
		if err == nil {
			return u, nil
		}
		if time.Now().After(deadline) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("container %s not ready on 127.0.0.1:%s within 1m: %w", dockerContainer, port, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
