# syntax=docker/dockerfile:1
# Every irisflow binary in one small image: irisflow (CLI, migrate, healthcheck,
# the simulators) and the four services (bridge, enricher, pivoter, writer).
# Static binaries (CGO off), run as a non-root user; nothing at run time needs
# a shell. The builder and runtime images are build arguments so that hosts
# without a registry can use local ones (docs/operations.md "Deployment"):
#   docker build -t irisflow .
# Hosts without a registry: .ci/images.sh (binaries built on the host, deploy/local/prebuilt.Dockerfile).
ARG GO_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
ARG GOPROXY
ARG VERSION=dev
# GOEXPERIMENT=jsonv2: as the Makefile builds (docs/DESIGN.md "JSON").
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOPROXY=${GOPROXY} GOEXPERIMENT=jsonv2
WORKDIR /src
# The modules first: their download is a layer of its own, cached until a
# go.mod or go.sum changes.
COPY go.work go.work.sum go.mod go.sum ./
COPY cmd/irisflow/go.mod cmd/irisflow/go.sum cmd/irisflow/
COPY pgcontainer/go.mod pgcontainer/go.sum pgcontainer/
COPY services/bridge/go.mod services/bridge/go.sum services/bridge/
COPY services/enricher/go.mod services/enricher/go.sum services/enricher/
COPY services/pivoter/go.mod services/pivoter/go.sum services/pivoter/
COPY services/writer/go.mod services/writer/go.sum services/writer/
RUN go mod download
COPY . .
RUN mkdir -p /out && go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ \
	./cmd/irisflow ./services/bridge/cmd/bridge ./services/enricher/cmd/enricher \
	./services/pivoter/cmd/pivoter ./services/writer/cmd/writer

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ /usr/local/bin/
# distroless's "nonroot" user; any image: a numeric uid needs no passwd entry.
USER 65532:65532
ENV IRISFLOW_HTTP_LISTEN=0.0.0.0:9090
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/irisflow"]
CMD ["run"]
