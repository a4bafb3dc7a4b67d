import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    # Throttle counts live in the cache: each test starts with none, and no limit unless it asks.
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    yield
    cache.clear()
