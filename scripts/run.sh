#!/usr/bin/env bash
# `make run`: the web server, the task worker that sends the emails (printed here: the console
# email backend) and the scheduled notifications (digests, reminders, summary) every
# NOTIFY_INTERVAL seconds (60 by default). Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${1:-8000}
INTERVAL=${NOTIFY_INTERVAL:-60}
export DEBUG=${DEBUG:-1}

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop EXIT INT TERM

"$PY" manage.py db_worker --interval 1 &
pids+=($!)
(
  while true; do
    "$PY" manage.py notify || echo "manage.py notify failed; trying again in ${INTERVAL}s" >&2
    sleep "$INTERVAL" & wait $!
  done
) &
pids+=($!)
"$PY" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)
# Whichever stops first (Ctrl-C, a crash), the trap stops the others.
wait -n
