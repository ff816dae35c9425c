#!/usr/bin/env bash
# Makes sure the servers irisflow's tests and demo need are running on this
# machine, starting them with the machine's own commands, installing them from
# Debian packages when missing. Idempotent. NATS is embedded in the tests and
# the demo (nats-server 2.15 as a library; Debian's 2.9 is too old for
# irisflow's consumers), so only PostgreSQL and ActiveMQ (Resilient's broker)
# are needed, plus make and a C compiler (the race detector needs cgo).
#
# PostgreSQL: the tests and the demo log in as postgres@127.0.0.1:5432 without
# a password (IRISFLOW_TEST_DATABASE_URL / IRISFLOW_DATABASE_URL point them
# elsewhere). On a new machine this script installs the server, creates the
# cluster when the package did not, starts it, and — when that login is
# refused — lets user postgres in from 127.0.0.1 with trust auth (a line at
# the top of the cluster's pg_hba.conf, marked "irisflow-ci"). Installing and
# starting need root; a machine where all is up needs nothing.
set -euo pipefail
cd "$(dirname "$0")"

# The cluster the tests' default URL reaches; other values only to try this
# script on a throwaway cluster.
PG_PORT=${IRISFLOW_CI_PG_PORT:-5432}
PG_CLUSTER=${IRISFLOW_CI_PG_CLUSTER:-main}
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"

die() { echo "services: $*" >&2; exit 1; }

need_root() { # what
	[ "$(id -u)" -eq 0 ] || die "$1 needs root: run .ci/services.sh as root once"
}

apt_updated=
apt_install() {
	need_root "installing $*"
	if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

wait_port() { # host port seconds
	local i
	for ((i = 0; i < $3; i++)); do
		(echo >"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 1
	done
	return 1
}

# pg_login: can the tests' default URL log in?
pg_login() { PGCONNECT_TIMEOUT=5 psql -w -Atq "$PG_URL" -c 'select 1' >/dev/null 2>&1; }

# pg_as_postgres SQL: run SQL as the postgres OS user over the local socket
# (Debian's "local all postgres peer"), whatever pg_hba says for TCP.
pg_as_postgres() { runuser -u postgres -- psql -w -X -Atq -p "$PG_PORT" -c "$1"; }

# pg_trust_local: put "host all postgres 127.0.0.1/32 trust" first in the
# server's pg_hba.conf and reload.
pg_trust_local() {
	need_root "allowing postgres@127.0.0.1 to log in"
	local hba
	hba=$(pg_as_postgres 'show hba_file') || die "cannot ask PostgreSQL for its pg_hba.conf as OS user postgres; set IRISFLOW_TEST_DATABASE_URL to a superuser URL"
	[ -f "$hba" ] || die "pg_hba.conf $hba not found"
	if ! grep -q 'irisflow-ci' "$hba"; then
		echo "services: PostgreSQL refuses postgres@127.0.0.1 without a password; adding a trust line for it to $hba (test machine)"
		{
			echo "# irisflow-ci: the tests and the demo log in as postgres@127.0.0.1 without a password"
			echo "host all postgres 127.0.0.1/32 trust"
			cat "$hba"
		} >"$hba.irisflow-ci"
		cat "$hba.irisflow-ci" >"$hba" # keep the file's owner and mode
		rm -f "$hba.irisflow-ci"
	fi
	pg_as_postgres 'select pg_reload_conf()' >/dev/null
}

start_postgres() {
	if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
		echo "services: installing PostgreSQL"
		apt_install postgresql
	fi
	local ver
	ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
	if [ ! -d "/etc/postgresql/$ver/$PG_CLUSTER" ]; then
		need_root "creating the PostgreSQL cluster"
		echo "services: creating PostgreSQL cluster $ver/$PG_CLUSTER on port $PG_PORT"
		pg_createcluster --port "$PG_PORT" "$ver" "$PG_CLUSTER"
	fi
	need_root "starting PostgreSQL"
	echo "services: starting PostgreSQL $ver/$PG_CLUSTER"
	pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" start || true
	wait_port 127.0.0.1 "$PG_PORT" 60 || die "PostgreSQL $ver/$PG_CLUSTER did not listen on 127.0.0.1:$PG_PORT; see /var/log/postgresql/postgresql-$ver-$PG_CLUSTER.log"
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 1; done
}

# Build tools: make runs the targets; the race detector (go test -race) needs
# cgo, so a C compiler and the C library headers.
missing=()
command -v make >/dev/null 2>&1 || missing+=(make)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -e /usr/include/stdlib.h ] || missing+=(libc6-dev)
if [ ${#missing[@]} -gt 0 ]; then
	echo "services: installing ${missing[*]} (make; cgo for the race detector)"
	apt_install "${missing[@]}"
fi

# Chromium: the console's browser test (cmd/irisflow TestConsoleInBrowser)
# drives Debian's chromium; under CI=true that test fails without it.
if [ -z "${IRISFLOW_NO_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
	echo "services: installing chromium (the console's browser test)"
	apt_install chromium
fi

# promtool (the tests check the /metrics exposition with `promtool check
# metrics`): taken out of Debian's prometheus package without installing the
# package, whose server would start on 9090, irisflow's default listener.
if ! command -v promtool >/dev/null 2>&1; then
	need_root "installing promtool"
	if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
	echo "services: installing promtool (from Debian's prometheus package)"
	tmp=$(mktemp -d) && chmod 755 "$tmp" # apt-get download runs as _apt
	(cd "$tmp" && apt-get download -qq prometheus && dpkg-deb -x prometheus_*.deb x) &&
		install -m 0755 "$tmp/x/usr/bin/promtool" /usr/local/bin/promtool
	rm -rf "$tmp"
	command -v promtool >/dev/null 2>&1 || die "promtool could not be installed"
fi

if [ -n "${IRISFLOW_TEST_DATABASE_URL:-}" ]; then
	echo "services: using IRISFLOW_TEST_DATABASE_URL"
else
	if ! command -v pg_isready >/dev/null 2>&1 || ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
		start_postgres
	fi
	if ! pg_login; then
		pg_trust_local
		for _ in $(seq 1 10); do pg_login && break; sleep 1; done
		pg_login || die "cannot log in as $PG_URL even after allowing it; set IRISFLOW_TEST_DATABASE_URL to a PostgreSQL superuser URL"
	fi
	echo "services: PostgreSQL ready at 127.0.0.1:$PG_PORT"
fi

# ActiveMQ, the broker Resilient runs: the bridge's integration tests use it
# (the demo does not: IRISFLOW_NO_ACTIVEMQ=1 skips it).
if [ -z "${IRISFLOW_NO_ACTIVEMQ:-}" ] && [ -z "${IRISFLOW_TEST_ACTIVEMQ_URL:-}" ] && [ -f ./activemq.sh ]; then
	bash ./activemq.sh
fi
