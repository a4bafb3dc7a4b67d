"""The admin asks staff for their second factor (and, when the secretariat requires it, to set one up).

API writes made with the same session are held to the same rule; a call authenticated by an API
token is not (a token is issued by the secretariat and is a credential of its own).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from ogptracker.api import error_body
from portal.services import site_settings

EXEMPT = ("/admin/logout/", "/admin/jsi18n/")
API = "/api/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Whether the signed-in person had a confirmed code app when the session began: read once at
# sign-in, so admin pages do not look it up on every request.
HAS_DEVICE = "portal:has-two-factor-device"


def _sends_a_token(request) -> bool:
    # The API tries the token first: with this header, the session is not what signs the call.
    words = get_authorization_header(request).split()
    return bool(words) and words[0].lower() == TokenAuthentication.keyword.lower().encode()


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith("/admin/") and not path.startswith(EXEMPT):
            needed = self._second_factor_needed(request)
            if needed is not None:
                query = "?" + urlencode({"next": request.get_full_path()})
                target = (
                    "portal:two_factor_verify" if needed == "verify" else "portal:two_factor_setup"
                )
                return HttpResponseRedirect(reverse(target) + query)
        elif (
            path.startswith(API)
            and request.method not in SAFE_METHODS
            and not _sends_a_token(request)
            and self._second_factor_needed(request) is not None
        ):
            message = _(
                "Staff change data through the API with their session only once the session is "
                "confirmed by a second factor. Open the admin to give your two-factor code (or "
                "to set up a code app, if you have none), or use an API token."
            )
            return JsonResponse(error_body(403, "permission_denied", message), status=403)
        return self.get_response(request)

    def _second_factor_needed(self, request) -> str | None:
        """``"verify"`` when a signed-in staff member has a code app but has not given a code in
        this session, ``"setup"`` when they have none and the secretariat requires one."""
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        has_device = request.session.get(HAS_DEVICE)
        if has_device is None:
            has_device = request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
        if has_device:
            return "verify"
        if site_settings().require_staff_two_factor:
            return "setup"
        return None
