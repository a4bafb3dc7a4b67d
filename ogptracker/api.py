"""What every endpoint of the API shares: the error shape, pagination, throttling and schema."""

from __future__ import annotations

import logging

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, parsers, serializers
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from ogptracker.keys import MAX_PK, is_ascii_digits

logger = logging.getLogger("django.request")


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        help_text="A stable, machine-readable code: invalid, not_found, not_authenticated, "
        "authentication_failed, permission_denied, method_not_allowed, throttled…"
    )
    message = serializers.CharField(help_text="What went wrong, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For invalid input: the problems of each parameter or field, by name "
        "(nested fields are joined with dots, for example “evidence.0.url”).",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error of the API has this shape."""

    error = ErrorBodySerializer()


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested validation detail into {"field.sub": ["message", …]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                name = prefix  # a nested serializer's own errors belong to its field
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in _flatten(value, name).items():
                flat.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            if detail:
                flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for sub, messages in _flatten(item, name).items():
                    flat.setdefault(sub, []).extend(messages)
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {
        "error": {"status": status, "code": code, "message": str(message), "fields": fields or {}}
    }


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = gettext_lazy(
        "Someone else changed this after you read it, so your change was not made. Read it "
        "again and send your change with its new “updated_at” or ETag."
    )
    default_code = "conflict"


def etag_of(updated_at) -> str:
    """A strong ETag for a row, from the time it was last saved (to the microsecond)."""
    return f'"{int(updated_at.timestamp() * 1_000_000)}"'


def check_unmodified(request, updated_at, supplied=None) -> None:
    """Raise ``Conflict`` when the client's version of a row is not the stored one.

    The client names the version it read by any of: ``If-Match`` (the ETag of a GET),
    ``If-Unmodified-Since`` (an HTTP date; to the second) or an ``updated_at`` in the body
    (``supplied``, as the API returned it). A client that names none writes unconditionally.
    """
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
        if "*" not in tags and etag_of(updated_at) not in tags:
            raise Conflict
    since = request.headers.get("If-Unmodified-Since")
    if since is not None:
        seconds = parse_http_date_safe(since)
        if seconds is None:
            raise BadRequest(_("If-Unmodified-Since is not an HTTP date."))
        if int(updated_at.timestamp()) > seconds:
            raise Conflict
    if supplied is not None and supplied != updated_at:
        raise Conflict


class BadRequest(exceptions.APIException):
    status_code = 400
    default_detail = gettext_lazy("The request is malformed.")
    default_code = "bad_request"


class ServerError(exceptions.APIException):
    status_code = 500
    default_detail = gettext_lazy("Something went wrong on our side; the error was recorded.")
    default_code = "server_error"


def api_exception_handler(exc, context):
    """DRF's handler, then one JSON shape for every error: ``{"error": {...}}``."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many fields, a malformed body…
        exc = BadRequest()
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug: record it as Django does for any view (the log, error reports, the test
        # client re-raises it), but answer in the API's shape rather than an HTML page.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", ""),
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status_code": 500, "request": getattr(request, "_request", request)},
        )
        got_request_exception.send(sender=None, request=getattr(request, "_request", request))
        exc = ServerError()
        response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(response.data)
        general = fields.pop("non_field_errors", [])
        message = " ".join(general) or _("The request has invalid values; see “fields”.")
        response.data = error_body(response.status_code, "invalid", message, fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        response.data = error_body(response.status_code, code, str(detail))
    return response


@csrf_exempt  # any method: a POST to a wrong address is a 404, not a CSRF failure
def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/v1/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(error_body(404, "not_found", _("No endpoint at this address.")), status=404)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python refused as malformed."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply.")) from None


class StrictIntegerField(forms.IntegerField):
    """An integer written in ASCII digits only: no “²”, “١”, “1_000”, “1.0” or spaces."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if text.startswith("-"):
            text = text[1:]
        if not is_ascii_digits(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class IntegerFilter(django_filters.NumberFilter):
    """An integer query parameter within ``min_value``..``max_value``, documented so."""

    field_class = StrictIntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_PK, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class FilterExtension(DjangoFilterExtension):
    """django-filter's parameters, with the limits the filters enforce written down."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        label = str(filter_field.label or field_name)
        for parameter in parameters:
            if isinstance(filter_field, IntegerFilter):
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": filter_field.extra["min_value"],
                    "maximum": filter_field.extra["max_value"],
                }
            elif (
                isinstance(filter_field, django_filters.ModelChoiceFilter)
                and filter_field.extra.get("to_field_name") == "slug"
            ):
                # The schema cannot list the rows that exist; it says what a miss gets.
                parameter["schema"] = {"type": "string"}
                parameter["description"] = (
                    f"{label}, by its slug. A slug that names nothing is refused with a 400."
                )
            if not parameter.get("description"):
                parameter["description"] = label
        return parameters


# The end of a value in a JSON Schema pattern. Tools that read patterns with Python's re (the
# schema tests among them) would let "$" match before a final newline; the lookahead stops that.
END = r"$(?![\s\S])"
# The characters no address may carry (ogptracker.middleware answers 400): control characters
# (a query value may hold tab and newlines) and noncharacters.
_REFUSED = r"\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff"
QUERY_TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f" + _REFUSED + "]*" + END
PATH_TEXT_PATTERN = r"^[^\u0000-\u001f" + _REFUSED + "]+" + END


class Schema(AutoSchema):
    """Document the error responses every operation can give, in the one error shape."""

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.method == "GET":
            parameters.append(
                {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "description": "The language of the plain text fields (`es` or `en`); "
                    "without it, `Accept-Language` decides, else Spanish. Both versions are "
                    "always in `translations`.",
                    "schema": {"type": "string", "enum": ["es", "en"]},
                }
            )
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter["in"] == "query":
                # An empty value is no filter (the first page, the usual size), not an error.
                parameter["allowEmptyValue"] = True
            if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
                in_path = parameter["in"] == "path"
                schema["pattern"] = PATH_TEXT_PATTERN if in_path else QUERY_TEXT_PATTERN
        return parameters

    def _error_statuses(self) -> list[int]:
        # Any address may be refused with a 400 (a control character in it or its query
        # string); a list also for a bad filter value, a write for a bad field.
        statuses = [400, 401, 404, 429]
        if self.method != "GET":
            # not allowed; changed by someone else since read; a body too large; not JSON
            statuses += [403, 409, 413, 415]
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        descriptions = {
            400: "Invalid parameters or fields (`fields` lists the problems), or an address "
            "with a control character in it.",
            401: "Missing or invalid credentials.",
            403: "Authenticated, but not allowed to do this.",
            404: "Not found (or not public).",
            409: "Someone changed it after the version you named (`If-Match`, "
            "`If-Unmodified-Since` or `updated_at`) was read; nothing was changed.",
            413: "The body is larger than the portal accepts: "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB of JSON or form "
            f"fields, {settings.MAX_REQUEST_BYTES // (1024 * 1024)} MB for a whole request "
            "with its files.",
            415: "The body is in a format the operation does not take (send "
            "`Content-Type: application/json`; where it takes files, also "
            "`multipart/form-data`).",
            429: "Too many requests; see the Retry-After header.",
        }
        for status in self._error_statuses():
            response = self._get_response_for_code(
                ErrorSerializer, str(status), direction=direction
            )
            response["description"] = descriptions[status]
            responses.setdefault(str(status), response)
        return responses


def translations_field(model) -> serializers.Field:
    """A read-only ``translations`` field: the original language and every translated text of
    ``model`` in Spanish and in English (the plain fields follow the request's language)."""
    from ogptracker.languages import LANGUAGE_CODES, translatable_fields

    fields = translatable_fields(model)
    texts = {"type": "object", "properties": {name: {"type": "string"} for name in fields}}
    schema = {
        "type": "object",
        "properties": {
            "original_language": {"type": "string", "enum": list(LANGUAGE_CODES)},
            **dict.fromkeys(LANGUAGE_CODES, texts),
        },
        "required": ["original_language", *LANGUAGE_CODES],
    }

    @extend_schema_field(schema)
    class TranslationsField(serializers.Field):
        def __init__(self, **kwargs):
            kwargs.setdefault(
                "help_text",
                "Every text in both languages; the one in `original_language` is the original, "
                "the other a translation (empty when none was written).",
            )
            super().__init__(source="*", read_only=True, **kwargs)

        def to_representation(self, obj):
            return {
                "original_language": obj.original_language or LANGUAGE_CODES[0],
                **{
                    code: {name: obj.text_in(name, code) for name in fields}
                    for code in LANGUAGE_CODES
                },
            }

    return TranslationsField()
