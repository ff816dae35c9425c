#!/usr/bin/env bash
# Makes sure the servers irisflow's tests and demo need are running on this
# machine, starting them with the machine's own commands, installing them from
# Debian packages when missing. Idempotent. NATS is embedded in the tests and
# the demo (nats-server 2.15 as a library; Debian's 2.9 is too old for
# irisflow's consumers), so only PostgreSQL and ActiveMQ (Resilient's broker)
# are needed.
set -euo pipefail
cd "$(dirname "$0")"

apt_updated=
apt_install() {
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

# PostgreSQL (trust auth on 127.0.0.1 is what the machine image ships).
if [ -n "${IRISFLOW_TEST_DATABASE_URL:-}" ]; then
	echo "services: using IRISFLOW_TEST_DATABASE_URL"
elif ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
	if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
		echo "services: installing PostgreSQL"
		apt_install postgresql
	fi
	ver=$(ls /etc/postgresql | sort -V | tail -n1)
	echo "services: starting PostgreSQL $ver"
	pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
	wait_port 127.0.0.1 5432 60 || { echo "services: PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi

# ActiveMQ, the broker Resilient runs: the bridge's integration tests use it.
if [ -z "${IRISFLOW_TEST_ACTIVEMQ_URL:-}" ] && [ -f ./activemq.sh ]; then
	bash ./activemq.sh
fi
