#!/usr/bin/env bash
# A long, randomised schemathesis session against the API with every check, anonymously and
# with a secretariat token. For use before a release; `make test` runs a short, fixed one.
#
#   bash scripts/fuzz.sh                  # a throwaway SQLite database, 5 minutes per run
#   FUZZ_SECONDS=1800 bash scripts/fuzz.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ogp_fuzz bash scripts/fuzz.sh
#
# DATABASE_URL, if set, must name a database that may be migrated and filled with the demo.
# Extra arguments reach `schemathesis run` (for example `--seed 42` to replay a run).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
SECONDS_PER_RUN=${FUZZ_SECONDS:-300}
work=$(mktemp -d)
export DEBUG=1                         # loaddemo creates its users only with DEBUG on
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}
export API_ANON_RATE="" API_USER_RATE=""  # no throttling: every request reaches the code
export LOG_LEVEL=${LOG_LEVEL:-ERROR}    # the server log keeps only errors
export MEDIA_ROOT=$work/media PRIVATE_MEDIA_ROOT=$work/private-media

server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

$PY manage.py migrate --no-input -v 0
$PY manage.py loaddemo >/dev/null
token=$($PY manage.py shell -v 0 -c '
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
print(Token.objects.get_or_create(user=get_user_model().objects.get(username="secretariat"))[0].key)
')

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY -m gunicorn ogptracker.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning \
  >"$work/server.log" 2>&1 &
server=$!
schema="http://127.0.0.1:$port/api/v1/schema/?format=json"

status=0
run() {
  echo "== schemathesis, $1, ${SECONDS_PER_RUN}s"
  shift
  "$(dirname "$PY")/schemathesis" --config-file scripts/schemathesis.toml run "$schema" \
    --wait-for-schema 60 --checks all --max-time "$SECONDS_PER_RUN" "$@" || status=1
}
run anonymous "$@"
run "with a secretariat token" -H "Authorization: Token $token" "$@"

if grep -q "Internal Server Error" "$work/server.log"; then
  echo "== the server logged server errors:"
  cat "$work/server.log"
  status=1
fi
exit $status
