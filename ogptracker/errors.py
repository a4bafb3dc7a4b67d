"""The portal's error pages in development as in production."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import get_resolver


class FriendlyNotFoundMiddleware:
    """With ``DEBUG`` on, a view's own 404 shows the portal's page, as the public would see it.

    A view raises ``Http404`` on purpose (an unknown or unpublished commitment, a draft report):
    the demo should show what the public gets. An address that matches no URL pattern keeps
    Django's debug page, whose list of patterns helps whoever mistyped it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return get_resolver().resolve_error_handler(404)(request, exception)
        return None
