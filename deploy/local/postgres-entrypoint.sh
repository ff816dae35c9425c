#!/bin/bash
# The official postgres image's contract, in brief: an empty $PGDATA is
# initialised (superuser $POSTGRES_USER, password $POSTGRES_PASSWORD or trust
# when POSTGRES_HOST_AUTH_METHOD=trust, database $POSTGRES_DB), then the
# server runs in the foreground, listening on every address.
set -euo pipefail
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
	pwfile=$(mktemp)
	printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
		echo "postgres: set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
		exit 1
	fi
	initdb -D "$PGDATA" -U "$user" -E UTF8 --auth-local=trust --auth-host="$auth" ${POSTGRES_PASSWORD:+--pwfile="$pwfile"} >/dev/null
	rm -f "$pwfile"
	echo "host all all all $auth" >>"$PGDATA/pg_hba.conf"
	if [ "$db" != postgres ]; then
		postgres --single -D "$PGDATA" -j postgres <<<"CREATE DATABASE \"$db\";" >/dev/null
	fi
fi
if [ "${1:-}" = postgres ]; then
	shift
	exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
fi
exec "$@"
