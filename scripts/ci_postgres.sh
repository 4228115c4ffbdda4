#!/usr/bin/env bash
# CI: bring up Debian's own PostgreSQL cluster and a role + database for the tests, then print
# the URL to export as COPILOT_TEST_DATABASE_URL. Idempotent: safe to run on a machine where the
# cluster already runs and the role exists. Needs root (or the postgres user) and the
# `postgresql` package (installed here when apt-get is available and it is missing).
#   export COPILOT_TEST_DATABASE_URL="$(scripts/ci_postgres.sh)"
set -euo pipefail
VERSION="${PG_VERSION:-15}"
CLUSTER="${PG_CLUSTER:-main}"
ROLE=copilot
DB=copilot_test
# A password because Debian's pg_hba.conf asks one (scram-sha-256) on 127.0.0.1; the role can
# only create and drop databases on a loopback-only server of a CI machine.
PASSWORD=copilot

log() { echo "ci_postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null; then
  if command -v apt-get >/dev/null; then
    log "installing postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$VERSION" >&2
  else
    log "pg_ctlcluster not found: install Debian's postgresql package"; exit 1
  fi
fi
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$VERSION $CLUSTER"; then
  log "creating cluster $VERSION/$CLUSTER"
  pg_createcluster "$VERSION" "$CLUSTER" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $4}' \
    | grep -q online; then
  log "starting cluster $VERSION/$CLUSTER"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $3}')"
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { log "the server on port $PORT does not answer"; exit 1; }

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
psql_admin -d postgres >&2 <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$ROLE', '$PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DB', '$ROLE')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB') \gexec
SQL
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
