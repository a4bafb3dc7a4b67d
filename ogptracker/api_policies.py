"""Pagination and throttling of the API (imported by DRF's settings, so it imports no views)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ogptracker.keys import is_ascii_digits
from ogptracker.pagination import KeysFirstPaginator


class KeptKeysFirstPaginator(KeysFirstPaginator):
    """A page's keys first, then its rows; the count and each page's keys kept per version of
    the data (``KeysFirstPaginator`` with ``kept``)."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, per_page, *args, kept=True, **kwargs)


class Pagination(PageNumberPagination):
    """Pages of 50 (``page_size`` from 1 to 200); a value out of range is a 400, not ignored.

    The total is counted once per version of the public data, not on every page; a page's keys
    are found first, so a late page skips rows without loading them.
    """

    django_paginator_class = KeptKeysFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def _read(self, request, name: str, maximum: int | None) -> int | None:
        text = request.query_params.get(name)
        if text is None or text == "":
            return None
        value = int(text) if is_ascii_digits(text) else 0
        if value < 1 or (maximum is not None and value > maximum):
            if maximum is None:
                message = _("Enter a whole number of 1 or more.")
            else:
                message = _("Enter a whole number from 1 to %(maximum)d.") % {"maximum": maximum}
            raise ValidationError({name: [message]})
        return value

    def get_page_size(self, request):
        return self._read(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return self._read(request, self.page_query_param, None) or 1

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number; a page past the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class CommitmentPagination(Pagination):
    """Pages of 25 commitments, as the explorer lists them: each carries its milestones and
    every text in both languages (``page_size`` up to 200 still asks for more)."""

    page_size = 25


class _RuntimeRate:
    """Read the rate on every request, so settings changes (and tests) take effect at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RuntimeRate, AnonRateThrottle):
    pass


class UserThrottle(_RuntimeRate, UserRateThrottle):
    pass
