import re

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def link(message, path_part: str) -> str:
    """The path of the first link in an email's plain text that contains ``path_part``."""
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(path_part) + r"\S*)", message.body)
    assert match, message.body
    return match.group(1)
