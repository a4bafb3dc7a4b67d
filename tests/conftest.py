import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English unless they ask for Spanish with a /es/ URL.
    settings.LANGUAGE_CODE = "en"


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
    # The demo (`make run`) serves SQLite to a live server: the browser journeys run on both.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.sqlite)
