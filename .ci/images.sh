#!/usr/bin/env bash
# Builds the local images docker-compose.local.yml names, for hosts without an
# image registry (after .ci/docker.sh): NATS (local/nats:2.15, nats-server
# built on the host), PostgreSQL (local/postgres:15, Debian's) and irisflow's
# own image (local/irisflow:dev: the binaries built on the host, CGO off, on
# the local base, deploy/local/prebuilt.Dockerfile; a container build here
# cannot verify the module proxy's certificate). Idempotent: an image that
# exists is kept (IRISFLOW_REBUILD=1 rebuilds irisflow's image). Arguments
# name a subset: postgres, nats, irisflow (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi

BASE_IMAGE=${IRISFLOW_DOCKER_BASE:-local/debian:bookworm}
NATS_VERSION=v2.15.2

have() { docker image inspect "$1" >/dev/null 2>&1; }
build() { # tag dockerfile context
	echo "images: building $1"
	docker build -q --network host --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$1" -f "$2" "$3" >/dev/null
}

have "$BASE_IMAGE" || bash .ci/docker.sh
want=" ${*:-postgres nats irisflow} "
wanted() { [[ $want == *" $1 "* ]]; }

wanted postgres && ! have local/postgres:15 && build local/postgres:15 deploy/local/postgres.Dockerfile deploy/local
if wanted nats && ! have local/nats:2.15; then
	ctx=$(mktemp -d)
	trap 'rm -rf "$ctx"' EXIT
	echo "images: go install nats-server $NATS_VERSION"
	GOBIN="$ctx" CGO_ENABLED=0 go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
	build local/nats:2.15 deploy/local/nats.Dockerfile "$ctx"
fi
if wanted irisflow && { ! have local/irisflow:dev || [ -n "${IRISFLOW_REBUILD:-}" ]; }; then
	bin=$(mktemp -d)
	echo "images: go build the five binaries (CGO off)"
	CGO_ENABLED=0 GOEXPERIMENT="${GOEXPERIMENT-jsonv2}" go build -trimpath -ldflags "-s -w" -o "$bin/" ./cmd/irisflow ./services/bridge/cmd/bridge \
		./services/enricher/cmd/enricher ./services/pivoter/cmd/pivoter ./services/writer/cmd/writer
	docker build -q --build-arg RUNTIME_IMAGE="$BASE_IMAGE" -t local/irisflow:dev -f deploy/local/prebuilt.Dockerfile "$bin" >/dev/null
	rm -rf "$bin"
	echo "images: local/irisflow:dev built"
fi
echo "images: ready:$want"
