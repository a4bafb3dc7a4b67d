"""Pagination and throttling of the API (imported by DRF's settings, so it imports no views)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _RuntimeRate:
    """Read the rate on every request, so settings changes (and tests) take effect at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RuntimeRate, AnonRateThrottle):
    pass


class UserThrottle(_RuntimeRate, UserRateThrottle):
    pass
