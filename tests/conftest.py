import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English unless they ask for Spanish with a /es/ URL.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # Tests run background tasks in-process; tests/notifications exercises the real queue.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _pages_built_fresh(settings):
    # Every test builds its pages (and counts their queries) unless it turns the public page
    # cache on itself (tests/test_scale.py); nothing cached outlives a test.
    settings.PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def secretariat(db):
    return factories.make_secretariat("secretariat")


@pytest.fixture
def evaluator(db):
    return factories.make_evaluator("evaluator")


@pytest.fixture
def institution(db):
    return factories.make_institution(name="Instituto de Transparencia", acronym="INFOEM")


@pytest.fixture
def implementer(db, institution):
    return factories.make_implementer(institution, username="implementer")


def pytest_collection_modifyitems(items):
    for item in items:
        # The demo (`make run`) serves SQLite to a live server: the browser journeys run on both.
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.sqlite)
        # Transactional tests empty the database when they end: make test runs them after the
        # rest (scripts/test.sh), so no other test meets a database without its seeded rows.
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if (marker and marker.kwargs.get("transaction")) or {
            "transactional_db",
            "live_server",
        } & fixtures:
            item.add_marker(pytest.mark.transactional)
            # Each of them starts from the rows the migrations seed and leaves them in place for
            # the next (a plain flush would also recreate content types the next one reloads).
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


@pytest.fixture(autouse=True)
def _fresh_site_settings(request):
    # The site settings live in the cache, which a rolled-back test does not reach: each test
    # starts from the database's record, read before it runs so no page pays for the read.
    from portal.services import forget_site_settings, site_settings

    forget_site_settings()
    uses_db = "db" in request.fixturenames or request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db and not transactional:
        request.getfixturevalue("db")
        site_settings()
    yield
    forget_site_settings()
