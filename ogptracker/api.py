"""What every endpoint of the API shares: the error shape, pagination, throttling and schema."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


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


def api_exception_handler(exc, context):
    """DRF's handler, then one JSON shape for every error: ``{"error": {...}}``."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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


def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/v1/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(error_body(404, "not_found", _("No endpoint at this address.")), status=404)


class Schema(AutoSchema):
    """Document the error responses every operation can give, in the one error shape."""

    def _error_statuses(self) -> list[int]:
        statuses = [401, 429]
        if self.method == "GET" and self._is_list_view():
            statuses += [400, 404]  # a bad filter value; a page past the end
        elif self.method == "GET":
            statuses += [404]
        else:
            statuses += [400, 403, 404]
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        descriptions = {
            400: "Invalid parameters or fields; `fields` lists the problems.",
            401: "Missing or invalid credentials.",
            403: "Authenticated, but not allowed to do this.",
            404: "Not found (or not public).",
            429: "Too many requests; see the Retry-After header.",
        }
        for status in self._error_statuses():
            response = self._get_response_for_code(
                ErrorSerializer, str(status), direction=direction
            )
            response["description"] = descriptions[status]
            responses.setdefault(str(status), response)
        return responses
