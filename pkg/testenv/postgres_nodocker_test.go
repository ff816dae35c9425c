//go:build !testcontainers

package testenv

// fakeEngineWant is what dockerFallback says, without -tags testcontainers,
// when the Docker socket answers: the tag would start a server.
const fakeEngineWant = "no PostgreSQL at 127.0.0.1:5432; a Docker engine is available: run with -tags testcontainers, or set IRISFLOW_TEST_DATABASE_URL"

// fallbackProbeSkip: without the tag, dockerFallback asks no engine.
func fallbackProbeSkip() string { return "" }
