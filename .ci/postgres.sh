#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the test suite on 127.0.0.1:$PGPORT,
# installing Debian's postgresql package when no server binaries are found.
# Prints the connection URL on stdout.
# Usage: postgres.sh start|stop|resume
#   start   a fresh cluster (an earlier one on the same port is wiped), or
#           the URL of the one already running
#   stop    stop the server (its data stays until the next start)
#   resume  start the stopped server again on its data (fault tests)
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDIR=${PGDIR:-/tmp/claimdesk-pg-$PGPORT}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
  BIN=$(find_bin)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "postgres.sh: installing postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Wait up to 5 minutes for another apt or dpkg (a colleague's install,
    # unattended upgrades) instead of failing at once on its lock.
    apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=300 install -y -qq postgresql >&2
    BIN=$(find_bin)
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
  fi
  URL="postgres://claimdesk:claimdesk@127.0.0.1:$PGPORT/claimdesk_test?sslmode=disable"
  if as_pg "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    echo "$URL"; exit 0
  fi
  rm -rf "$PGDIR"; mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  echo claimdesk > "$PGDIR/pw" && [ "$(id -u)" = 0 ] && chown postgres "$PGDIR/pw"
  as_pg "$BIN/initdb" -D "$PGDIR/data" -U claimdesk --pwfile="$PGDIR/pw" -A scram-sha-256 -E UTF8 >"$PGDIR/initdb.log" 2>&1 \
    || { cat "$PGDIR/initdb.log" >&2; exit 1; }
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
    || { cat "$PGDIR/server.log" >&2; exit 1; }
  PGPASSWORD=claimdesk "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U claimdesk -d postgres -qc "CREATE DATABASE claimdesk_test" >&2
  echo "$URL"
  ;;
stop)
  BIN=$(find_bin)
  [ -n "$BIN" ] && as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
  ;;
resume)
  BIN=$(find_bin)
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
    || { cat "$PGDIR/server.log" >&2; exit 1; }
  echo "postgres://claimdesk:claimdesk@127.0.0.1:$PGPORT/claimdesk_test?sslmode=disable"
  ;;
esac
