#!/usr/bin/env bash
# pg-test.sh runs the PostgreSQL integration test of analyzer/batch (two
# fwstar worker processes sharing a River queue, one killed mid-job) against
# a throw-away PostgreSQL server from Debian, started on a free port of
# 127.0.0.1 and removed afterwards. Needs root (apt-get, runuser).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)

port=54329
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
	port=$((port + 1))
done

data=$(mktemp -d /tmp/fwstar-pg.XXXXXX)
chown postgres: "$data"
cleanup() {
	runuser -u postgres -- "$bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$data"
}
trap cleanup EXIT

runuser -u postgres -- "$bin/initdb" -D "$data/db" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$data/db" -l "$data/log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off" start >/dev/null
runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$port" fwstar

export FWSTAR_PG_DSN="postgres://postgres@127.0.0.1:$port/fwstar?sslmode=disable"
go test ./analyzer/batch/ -run 'TestPostgres' -count=1 -v "$@"
