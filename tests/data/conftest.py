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


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    # Uploaded import files go to a folder of the test's own.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
