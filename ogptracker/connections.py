"""A persistent database connection is checked before a request uses it only after it has been
idle.

Django's health check (``CONN_HEALTH_CHECKS``) runs ``SELECT 1`` before the first query of every
request: a round trip to the database as costly as a cached page's own query. A connection that
a request used without error a moment ago is as good as checked, so the check runs only when the
connection has been idle for longer than ``DB_HEALTH_CHECK_IDLE`` seconds (0: every request, as
Django does). A database that went away in that moment costs at most one failed request per
connection, after which Django closes it (the request's error marks it) and the next one
reconnects.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections

# When a request last finished with the connection open and without a database error.
LAST_GOOD = "ogptracker_last_good_request"


def _idle_limit() -> float:
    return float(getattr(settings, "DB_HEALTH_CHECK_IDLE", 1.0))


def note_good_connections(**kwargs) -> None:
    """At the end of a request: each connection it leaves open and without errors is good."""
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.errors_occurred:
            setattr(connection, LAST_GOOD, now)
        else:
            setattr(connection, LAST_GOOD, None)


def skip_recent_checks(**kwargs) -> None:
    """At the start of a request (after Django has reset the checks): a connection that was good
    less than the idle limit ago counts as checked."""
    limit = _idle_limit()
    if limit <= 0:
        return
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        last_good = getattr(connection, LAST_GOOD, None)
        fresh = last_good is not None and now - last_good < limit
        if fresh and connection.connection is not None:
            connection.health_check_done = True


def connect() -> None:
    # After ``django.db.close_old_connections`` (connected when django.db is imported).
    request_started.connect(skip_recent_checks, dispatch_uid="ogptracker.connections.started")
    request_finished.connect(note_good_connections, dispatch_uid="ogptracker.connections.finished")
