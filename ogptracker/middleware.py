"""Refusing requests no page or endpoint can answer sensibly, before any view sees them."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import BadRequest, TooManyFieldsSent
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ogptracker.api import error_body
from ogptracker.text import has_forbidden_characters

# No address of the portal holds a control character; a NUL byte would even reach the database
# (PostgreSQL refuses it in text with an error, not an empty result).
_CONTROL_IN_PATH = re.compile("[\x00-\x1f\x7f]")


def _is_unreadable(request) -> bool:
    if _CONTROL_IN_PATH.search(request.path) or has_forbidden_characters(request.path):
        return True
    # Tab and newlines may stand in a search; everything clean_text strips may not.
    return any(
        has_forbidden_characters(key) or any(has_forbidden_characters(v) for v in values)
        for key, values in request.GET.lists()
    )


class RefuseControlCharactersMiddleware:
    """Answer 400 to an address or query string that carries a control character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            unreadable = _is_unreadable(request)
        except TooManyFieldsSent as error:
            # More query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS.
            if request.path.startswith("/api/"):
                body = error_body(400, "bad_request", _("The request is malformed."))
                return JsonResponse(body, status=400)
            raise BadRequest(str(error)) from error
        if unreadable:
            message = _("The address contains characters that are not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse(error_body(400, "invalid", message), status=400)
            raise BadRequest(message)
        return self.get_response(request)


class ApiLanguageMiddleware:
    """``?lang=es`` or ``?lang=en`` on the API chooses the language of its plain text fields,
    over ``Accept-Language``; any other value is a 400 in the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "lang" in request.GET:
            code = request.GET.get("lang", "")
            codes = [language for language, _name in settings.LANGUAGES]
            if code not in codes:
                message = _("“%(value)s” is not a language of the portal; use %(codes)s.") % {
                    "value": code[:20],
                    "codes": " or ".join(codes),
                }
                body = error_body(400, "invalid", message, {"lang": [message]})
                return JsonResponse(body, status=400)
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
