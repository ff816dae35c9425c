// Command pgcontainer starts the PostgreSQL test server in a container with
// testcontainers-go and prints its superuser URL on stdout, for
// IRISFLOW_TEST_DATABASE_URL (pkg/testenv):
//
//	IRISFLOW_TEST_DATABASE_URL=$(go run ./pgcontainer) go test ./pkg/store/
//
// `make test-containers` runs it. It is a module of its own so that
// testcontainers-go, Docker's client and OpenTelemetry stay out of every
// other module's graph. The container outlives the command (the reaper,
// Ryuk, is off: it would remove the container once this process exits);
// `docker rm -f irisflow-test-postgres` removes it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"
)

// dockerContainer names the PostgreSQL container; a run joins it when it
// exists (testcontainers' reuse by name). It runs on the host's network (no
// bridge is needed, none is created) on dockerPort().
const dockerContainer = "irisflow-test-postgres"

// defaultPostgresImage is the image started when IRISFLOW_TEST_POSTGRES_IMAGE
// is unset: the official image's interface (POSTGRES_HOST_AUTH_METHOD, PGPORT);
// hosts without a registry set local/postgres:15 (.ci/images.sh).
const defaultPostgresImage = "postgres:16-alpine"

// defaultDockerPort is the container's loopback port when
// IRISFLOW_TEST_POSTGRES_PORT is unset: not the machine's own 5432.
const defaultDockerPort = "55432"

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

func main() {
	// Ryuk removes what it started once the starting process is gone: here,
	// before the tests that use the server have begun.
	if err := os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true"); err != nil {
		fmt.Fprintln(os.Stderr, "pgcontainer:", err)
		os.Exit(1)
	}
	// Its stdout is the URL alone; testcontainers' banner is not wanted on stderr either.
	tclog.SetDefault(tclog.NewNoopLogger())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	u, err := start(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgcontainer:", err)
		os.Exit(1)
	}
	fmt.Println(u)
}

// start checks the Docker engine, then starts (or joins) the container.
func start(ctx context.Context) (string, error) {
	if err := dockerHealth(ctx); err != nil {
		return "", fmt.Errorf("no Docker engine: %w", err)
	}
	u, err := containerPostgres(ctx)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL in a container: %w", err)
	}
	return u, nil
}

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
