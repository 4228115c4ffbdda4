#!/usr/bin/env bash
# A developer's PostgreSQL for the tests: a cluster under .postgres/ in the checkout (gitignored),
# trust authentication, 127.0.0.1 only, port 5433 (PGPORT to change it).
#   scripts/postgres.sh start   # (make postgres) then: export COPILOT_TEST_DATABASE_URL=...
#   scripts/postgres.sh url | stop | status
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/.postgres"
DATA="$ROOT/data"
PORT="${PGPORT:-5433}"
BIN=""
for v in 15 16 17; do
  if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then BIN="/usr/lib/postgresql/$v/bin/"; break; fi
done
if [ -z "$BIN" ] && ! command -v pg_ctl >/dev/null; then
  echo "postgres.sh: pg_ctl not found: install PostgreSQL (Debian: apt install postgresql)" >&2
  exit 1
fi
AS=()
[ "$(id -u)" = 0 ] && AS=(runuser -u postgres --)
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"

case "${1:-start}" in
  start)
    mkdir -p "$ROOT"
    [ "$(id -u)" = 0 ] && chown postgres "$ROOT"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      "${AS[@]}" "${BIN}initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        >"$ROOT/initdb.log"
    fi
    if ! "${AS[@]}" "${BIN}pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      "${AS[@]}" "${BIN}pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$ROOT" \
        start >/dev/null
    fi
    echo "PostgreSQL runs on 127.0.0.1:$PORT (stop: scripts/postgres.sh stop). For the tests:"
    echo "export COPILOT_TEST_DATABASE_URL=$URL"
    ;;
  stop)
    if [ -f "$DATA/PG_VERSION" ]; then
      "${AS[@]}" "${BIN}pg_ctl" -D "$DATA" -m fast -w stop 2>/dev/null || true
    fi
    ;;
  status) "${AS[@]}" "${BIN}pg_ctl" -D "$DATA" status ;;
  url) echo "$URL" ;;
  *) echo "usage: scripts/postgres.sh start|stop|status|url" >&2; exit 2 ;;
esac
