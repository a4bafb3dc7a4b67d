"""Refusing requests no page or endpoint can answer sensibly, before any view sees them."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, JsonResponse
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


# A page number beyond this many digits is no page of the portal (and int() of thousands of
# digits is slow, then refused).
MAX_PAGE_DIGITS = 9
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(status, code, message), status=status)
    if status == 400:
        raise BadRequest(message)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _too_many_forms(request) -> bool:
    """Whether a posted form declares more formset rows than any page of the portal takes."""
    if request.method != "POST" or not request.content_type.startswith(_FORM_TYPES):
        return False
    limit = settings.MAX_FORMSET_FORMS
    for key, value in request.POST.items():
        if key.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS")):
            if not value.isascii() or not value.isdigit() or len(value) > 6:
                return True
            if int(value) > limit:
                return True
    return False


class RequestLimitsMiddleware:
    """Answer at once, before any body is read or any form built, to requests too big to serve.

    - a body larger than ``MAX_REQUEST_BYTES`` (``Content-Length``): 413;
    - a query string longer than ``MAX_QUERY_STRING_LENGTH``: 400;
    - a page number of more than nine digits on a page (the API's pagination has its own): 400;
    - a formset declaring more than ``MAX_FORMSET_FORMS`` rows (``…-TOTAL_FORMS``): 400, so no
      request makes the server build thousands of forms.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            megabytes = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            message = _("The request is larger than the portal accepts (%(size)s MB).") % {
                "size": megabytes
            }
            return _refuse(request, 413, "too_large", message)
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING_LENGTH:
            return _refuse(request, 400, "bad_request", _("The address is too long."))
        page = request.GET.get("page", "")
        # The API's pagination answers 400 or 404 to any page number itself.
        if len(page) > MAX_PAGE_DIGITS and not request.path.startswith("/api/"):
            return _refuse(request, 400, "invalid", _("There is no page with this number."))
        try:
            too_many = _too_many_forms(request)
        except TooManyFieldsSent:
            too_many = True
        except RequestDataTooBig:
            message = _("The request is larger than the portal accepts (%(size)s MB).") % {
                "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            }
            return _refuse(request, 413, "too_large", message)
        if too_many:
            return _refuse(request, 400, "bad_request", _("The form has more rows than expected."))
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
