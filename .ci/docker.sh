#!/usr/bin/env bash
# Makes sure a Docker engine runs on this machine and that the local base image
# irisflow's images and test containers start from exists. Idempotent, like
# services.sh: a machine where all is up needs nothing (and no root).
#
# Where no image registry is reachable, every image is built locally: the base
# local/debian:bookworm is made with debootstrap from Debian's own packages
# and `docker import`. The engine is Debian's docker.io started with
# --bridge=none --iptables=false: containers use the host's network only
# (network_mode: host), so nothing here creates bridges or firewall rules.
#
# Installs (as root, when missing): docker.io, docker-compose (v1.29, the
# `docker-compose` command), debootstrap. Prints where the engine logs.
#   IRISFLOW_DOCKER_BASE   the base image's name (default local/debian:bookworm)
#   IRISFLOW_DEBIAN_MIRROR the mirror debootstrap uses (default: the host's apt source)
set -euo pipefail

BASE_IMAGE=${IRISFLOW_DOCKER_BASE:-local/debian:bookworm}
DOCKERD_LOG=${IRISFLOW_DOCKERD_LOG:-/var/log/dockerd.log}
WAIT_SECONDS=${DOCKER_WAIT_SECONDS:-60}

die() { echo "docker: $*" >&2; exit 1; }

need_root() { # what
	[ "$(id -u)" -eq 0 ] || die "$1 needs root: run .ci/docker.sh as root once"
}

apt_updated=
apt_install() {
	need_root "installing $*"
	if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

engine_up() { docker info >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ! engine_up || [ ${#missing[@]} -gt 0 ]; then
	if [ ${#missing[@]} -gt 0 ]; then
		echo "docker: installing ${missing[*]}"
		apt_install "${missing[@]}"
	fi
fi

if ! engine_up; then
	need_root "starting dockerd"
	echo "docker: starting dockerd (host networking only; log: $DOCKERD_LOG)"
	nohup dockerd --bridge=none --iptables=false --ip6tables=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
	for ((i = 0; i < WAIT_SECONDS; i++)); do
		engine_up && break
		sleep 1
	done
	engine_up || { tail -n 30 "$DOCKERD_LOG" >&2 || true; die "dockerd did not answer within ${WAIT_SECONDS}s; see $DOCKERD_LOG"; }
fi
echo "docker: engine $(docker version -f '{{.Server.Version}}') ready"

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
	need_root "building $BASE_IMAGE with debootstrap"
	mirror=${IRISFLOW_DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
	mirror=${mirror:-http://deb.debian.org/debian}
	rootfs=$(mktemp -d)
	trap 'rm -rf "$rootfs"' EXIT
	echo "docker: building $BASE_IMAGE (debootstrap minbase bookworm from $mirror)"
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
		tail -n 30 "$rootfs.log" >&2
		die "debootstrap failed; see $rootfs.log"
	}
	rm -f "$rootfs.log"
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
	tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
	echo "docker: $BASE_IMAGE built"
fi
echo "docker: base image $BASE_IMAGE present"
