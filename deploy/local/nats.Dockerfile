# NATS for hosts without an image registry: nats-server built on the host
# (go install github.com/nats-io/nats-server/v2@v2.15.2) on the local Debian
# base, with wget for the compose health check (as in nats:*-alpine).
# Context: a directory holding the nats-server binary.
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget \
	&& rm -rf /var/lib/apt/lists/*
COPY nats-server /usr/local/bin/nats-server
EXPOSE 4222 8222
ENTRYPOINT ["nats-server"]
