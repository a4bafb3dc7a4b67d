#!/usr/bin/env bash
# Back up or restore the whole portal: the database's rows and every uploaded file.
#
#   bash scripts/backup.sh                         # writes backups/ogptracker-<date>.tar.gz
#   bash scripts/backup.sh backup /srv/backups/x.tar.gz
#   bash scripts/backup.sh restore backups/ogptracker-20261202-010000.tar.gz [--replace]
#
# It reads the same environment as the portal (DATABASE_URL, MEDIA_ROOT, PRIVATE_MEDIA_ROOT,
# SECRET_KEY…). A restore first migrates the database, then refuses unless the database and the
# file folders are empty (--replace empties them first).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

command=${1:-backup}
case $command in
  backup)
    if [ -n "${2:-}" ]; then
      "$PY" manage.py backup --output "$2"
    else
      "$PY" manage.py backup
    fi
    ;;
  restore)
    archive=${2:?"Which archive? bash scripts/backup.sh restore <file.tar.gz> [--replace]"}
    shift 2
    "$PY" manage.py restore "$archive" --dry-run
    "$PY" manage.py migrate --no-input -v 0
    "$PY" manage.py restore "$archive" "$@"
    ;;
  *)
    echo "usage: bash scripts/backup.sh [backup [<file.tar.gz>] | restore <file.tar.gz> [--replace]]" >&2
    exit 2
    ;;
esac
