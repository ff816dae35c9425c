package testenv

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// containerHowTo says how to run tests on a PostgreSQL container.
const containerHowTo = "IRISFLOW_TEST_DATABASE_URL=$(go run ./pgcontainer) starts one in a container (make test-containers does)"

// dockerFallback starts nothing: it says how to get a server, and, when a
// Docker engine is reachable, how to start one in a container
// (github.com/irisflow/irisflow/pgcontainer, a module of its own: it keeps
// testcontainers-go out of this module).
func dockerFallback(howTo string) (string, error) {
	where := describe(DefaultTestDatabaseURL)
	if dockerReachable() {
		return "", errors.New("no PostgreSQL at " + where + "; a Docker engine is available: " + containerHowTo + ", or set IRISFLOW_TEST_DATABASE_URL to a PostgreSQL superuser URL")
	}
	return "", errors.New("no PostgreSQL at " + where + " and no Docker engine: " + howTo)
}

// dockerReachable reports whether a Docker engine answers: the unix socket
// of $DOCKER_HOST (default /var/run/docker.sock) accepts a connection, or
// `docker info` succeeds.
func dockerReachable() bool {
	sock := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		sock = strings.TrimPrefix(h, "unix://")
	}
	if c, err := net.DialTimeout("unix", sock, 2*time.Second); err == nil {
		c.Close()
		return true
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").Run() == nil
}
