"""A kept database connection is checked before a request only after it has been idle."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from ogptracker import connections as checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def usability_checks(db, monkeypatch):
    """How often the connection is checked (``SELECT 1``) before a query."""
    connection.ensure_connection()
    calls = []
    real = connection.is_usable

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    enabled = connection.health_check_enabled
    connection.health_check_enabled = True  # as the portal's settings have it
    yield calls
    connection.health_check_enabled = enabled
    connection.health_check_done = False


def a_request_starts():
    # What Django does at the start of a request (``close_old_connections``), then the receiver.
    connection.health_check_done = False
    checks.skip_recent_checks()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_a_connection_used_a_moment_ago_is_not_checked_again(usability_checks, settings):
    settings.DB_HEALTH_CHECK_IDLE = 1
    checks.note_good_connections()
    a_request_starts()
    assert usability_checks == []


def test_a_connection_idle_for_longer_is_checked(usability_checks, settings):
    settings.DB_HEALTH_CHECK_IDLE = 1
    checks.note_good_connections()
    setattr(connection, checks.LAST_GOOD, time.monotonic() - 2)
    a_request_starts()
    assert usability_checks == [1]


def test_a_connection_a_request_left_with_an_error_is_checked(usability_checks, settings):
    settings.DB_HEALTH_CHECK_IDLE = 1
    connection.errors_occurred = True
    try:
        checks.note_good_connections()
    finally:
        connection.errors_occurred = False
    a_request_starts()
    assert usability_checks == [1]


def test_with_no_idle_limit_every_request_checks(usability_checks, settings):
    settings.DB_HEALTH_CHECK_IDLE = 0
    checks.note_good_connections()
    a_request_starts()
    assert usability_checks == [1]


def test_a_request_through_the_portal_notes_its_connection(client):
    setattr(connection, checks.LAST_GOOD, None)
    before = time.monotonic()
    assert client.get("/en/").status_code == 200
    assert getattr(connection, checks.LAST_GOOD) >= before
