# irisflow — see README.md. Every target works on a new machine: `services`
# starts (or installs) what the tests need.
SHELL := /bin/bash
GO ?= go
# encoding/json on the json/v2 implementation (Go's GOEXPERIMENT=jsonv2; the
# same v1 API and behaviour, every test passes on both): the warm profile
# path is ~25 % faster with it (docs/benchmarks.md, docs/DESIGN.md "JSON").
# Every binary, test and image this Makefile builds uses it; GOEXPERIMENT=
# builds without.
GOEXPERIMENT ?= jsonv2
export GOEXPERIMENT
MODULES := $(shell $(GO) list -m -f '{{.Path}}' 2>/dev/null)
PKGS := $(addsuffix /...,$(MODULES))
# The modules (go.work): github.com/irisflow/irisflow at the root (pkg/, sim/,
# migrations/), cmd/irisflow, services/*, and pgcontainer, the one that
# requires testcontainers-go: `make test-containers` runs it; `make test` uses
# the server .ci/services.sh starts (docs/DESIGN.md "Layout").
TEST_FLAGS ?= -race -count=1 -timeout 15m
# A count, not a duration: Go 1.26's fuzz coordinator can fail a clean run
# with "context deadline exceeded" when a duration -fuzztime ends while a
# worker is busy (golang/go#75804, fixed in 1.27); a count has no deadline.
FUZZTIME ?= 200000x

.PHONY: all build test lint fuzz bench demo services tidy clean compose-config compose-smoke images test-containers cluster-test chaos chaos-short

all: lint test

## build: every binary into bin/
build:
	@mkdir -p bin
	$(GO) build -o bin/irisflow ./cmd/irisflow
	$(GO) build -o bin/ ./services/bridge/cmd/... ./services/enricher/cmd/... ./services/pivoter/cmd/... ./services/writer/cmd/...

## services: make sure PostgreSQL and ActiveMQ are up (installs what is missing)
services:
	@bash .ci/services.sh

## test: every module's tests, race detector on, against real servers
test: services
	$(GO) test $(TEST_FLAGS) $(PKGS)

## fuzz: a short run of each fuzz target (every package with a func Fuzz…)
fuzz:
	@pkgs=$$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u | sed 's|^|./|'); \
	if [ -z "$$pkgs" ]; then echo "fuzz: no fuzz target found"; exit 1; fi; \
	for p in $$pkgs; do \
		list=$$($(GO) test -list 'Fuzz.*' $$p) || { echo "fuzz: cannot list the fuzz targets of $$p"; exit 1; }; \
		targets=$$(echo "$$list" | grep '^Fuzz' || true); \
		if [ -z "$$targets" ]; then echo "fuzz: no fuzz target listed in $$p"; exit 1; fi; \
		for t in $$targets; do \
			echo "fuzz $$p $$t ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

## bench: the Go benchmarks (figures go to docs/benchmarks.md)
bench: services
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## lint: gofmt check, go vet, staticcheck when it installs here
lint:
	@files=$$(git ls-files '*.go'); if [ -z "$$files" ]; then echo "lint: git ls-files lists no Go file"; exit 1; fi; \
	out=$$(gofmt -l $$files); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) vet -tags testcontainers github.com/irisflow/irisflow/pgcontainer/
	@if command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2 >/dev/null 2>&1; then \
		PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck $(PKGS); \
	else echo "staticcheck not installable here; skipped"; fi

## demo: the whole pipeline on embedded defaults and the simulators. It needs
## no ActiveMQ; when PostgreSQL cannot be started here (no root), the demo
## still finds one itself (IRISFLOW_DATABASE_URL or a throwaway cluster).
demo:
	@IRISFLOW_NO_ACTIVEMQ=1 bash .ci/services.sh || echo "demo: PostgreSQL not started by .ci/services.sh; the demo looks for one itself"
	$(GO) run ./cmd/irisflow demo

## compose-config: validate docker-compose.yml, alone and with the local override
COMPOSE_LOCAL = --env-file deploy/local/compose.env -f docker-compose.yml -f docker-compose.local.yml
compose-config:
	@command -v docker-compose >/dev/null 2>&1 || bash .ci/docker.sh
	docker-compose -f docker-compose.yml --profile sandbox config -q
	docker-compose $(COMPOSE_LOCAL) --profile sandbox config -q

## test-containers: a PostgreSQL container started by testcontainers-go (module
## pgcontainer: host network, Ryuk off): its own test, then pkg/testenv and
## pkg/store on it (IRISFLOW_TEST_DATABASE_URL), the local server on 5432 unused
TEST_CONTAINERS_IMAGE ?= local/postgres:15
test-containers:
	@bash .ci/docker.sh
	@bash .ci/images.sh postgres
	@docker rm -f irisflow-test-postgres >/dev/null 2>&1 || true
	@export TESTCONTAINERS_RYUK_DISABLED=true IRISFLOW_TEST_POSTGRES_IMAGE=$(TEST_CONTAINERS_IMAGE); \
	$(GO) test -race -count=1 -timeout 10m -tags testcontainers ./pgcontainer/ && \
	url=$$($(GO) run ./pgcontainer) && echo "test-containers: PostgreSQL at $$url" && \
	IRISFLOW_TEST_DATABASE_URL=$$url IRISFLOW_TEST_POSTGRES_CONTAINER=1 \
		$(GO) test -race -count=1 -timeout 10m ./pkg/testenv/ ./pkg/store/; \
	rc=$$?; docker rm -f irisflow-test-postgres >/dev/null 2>&1; exit $$rc

## cluster-test: a three-node NATS cluster (R3 streams) and two processes of each
## service under load, with a node SIGKILLed, a replica SIGKILLed, a node restarted
cluster-test: services
	$(GO) test -race -count=1 -timeout 20m -tags cluster -run '^TestClusterFailoverAndReplicas$$' -v ./cmd/irisflow/

## chaos: the fault suite (cmd/irisflow/chaos_test.go): two processes of each
## service on a nats-server and a PostgreSQL of its own, the STOMP link through
## a proxy, failing simulators; every service killed, NATS, PostgreSQL and the
## broker link broken under load; fails on any lost or duplicate reply or write,
## or a secret in a reply, log line or dead letter (docs/reliability.md)
chaos: services
	$(GO) test -race -count=1 -timeout 30m -tags chaos -run '^TestChaos$$' -v ./cmd/irisflow/

## chaos-short: the same checks with fewer faults and a shorter load (≈2 minutes; .ci/run runs it)
chaos-short: services
	IRISFLOW_CHAOS_SHORT=1 $(GO) test -race -count=1 -timeout 15m -tags chaos -run '^TestChaos$$' -v ./cmd/irisflow/

## images: the local images docker-compose.local.yml names (Docker engine started when needed)
images:
	@bash .ci/docker.sh
	@IRISFLOW_REBUILD=1 bash .ci/images.sh

## compose-smoke: the compose stack on the simulators, the demo played against it, torn down
compose-smoke:
	@bash .ci/compose-smoke.sh

## tidy: go mod tidy in every module (workspace off, replace directives resolve siblings)
tidy:
	@for d in $$($(GO) list -m -f '{{.Dir}}'); do (cd $$d && GOWORK=off $(GO) mod tidy) || exit 1; done

clean:
	rm -rf bin
