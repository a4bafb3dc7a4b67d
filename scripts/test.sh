#!/usr/bin/env bash
# Run the whole suite on PostgreSQL, then what differs on SQLite (the tests marked `sqlite`).
# PostgreSQL: $DATABASE_URL if set; else the server at 127.0.0.1:5432 if one answers;
# else (or with THROWAWAY_CLUSTER=1) a throwaway cluster started here and removed afterwards.
# Tests run in parallel, one database per worker: WORKERS=1 runs them in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DEBUG=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Chromium for the browser tests…"
    apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
  else
    echo "Chromium is missing: install it (apt-get install chromium) to run the browser tests." >&2
    exit 1
  fi
}

pg_answers() {
  "$PY" - "$1" <<'PYEOF'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:
    sys.exit(1)
PYEOF
}

cluster=""
cleanup() {
  if [ -n "$cluster" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
trap cleanup EXIT

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PGBIN" ] && command -v initdb >/dev/null; then PGBIN=$(dirname "$(command -v initdb)"); fi
  if [ -z "$PGBIN" ]; then
    echo "No PostgreSQL server answers at 127.0.0.1:5432 and initdb is not installed." >&2
    echo "Install PostgreSQL 14+ (apt-get install postgresql) or set DATABASE_URL." >&2
    exit 1
  fi
  cluster=$(mktemp -d /tmp/ogptracker-pg.XXXXXX)
  chmod 755 "$cluster"
  [ "$(id -u)" = 0 ] && chown postgres "$cluster"
  as_pg "$PGBIN/initdb" -D "$cluster/data" -U postgres -A trust >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$cluster/data" -o "-p 54329 -k $cluster -c listen_addresses=127.0.0.1" -l "$cluster/log" -w start >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:54329/ogptracker"
}

ensure_chromium
# The HTML checker (vnu-jar, run with Java) and axe-core for the page tests, into .npm-test/.
bash scripts/test-deps.sh

if [ -n "${DATABASE_URL:-}" ]; then
  PG_URL=$DATABASE_URL
elif [ -z "${THROWAWAY_CLUSTER:-}" ] && pg_answers "postgres://postgres@127.0.0.1:5432/postgres"; then
  PG_URL="postgres://postgres@127.0.0.1:5432/ogptracker"
else
  start_cluster
  PG_URL=$DATABASE_URL
fi

WORKERS=${WORKERS:-auto}
PARALLEL=(-n "$WORKERS" --dist loadfile)
[ "$WORKERS" = 1 ] && PARALLEL=(-p no:xdist)

# Transactional tests (the browser tests among them) empty the database when they end, so they
# run after every other test, in a run of their own: a worker that ran one would otherwise hand
# the next test file a database without the rows the migrations seed.
echo "== Suite on PostgreSQL (${PG_URL%%@*}@…) =="
DATABASE_URL=$PG_URL "$PY" -m pytest "${PARALLEL[@]}" -m "not browser and not transactional" --durations=15 "$@"
echo "== Transactional and browser tests on PostgreSQL =="
DATABASE_URL=$PG_URL "$PY" -m pytest "${PARALLEL[@]}" -m "browser or transactional" --durations=5 "$@"

echo "== What differs on SQLite =="
DATABASE_URL="sqlite:///$(pwd)/.test-sqlite.db" "$PY" -m pytest "${PARALLEL[@]}" -m "sqlite and not browser and not transactional" --durations=5 "$@"
DATABASE_URL="sqlite:///$(pwd)/.test-sqlite.db" "$PY" -m pytest "${PARALLEL[@]}" -m "sqlite and (browser or transactional)" --durations=5 "$@"
