"""The admin asks staff for their second factor (and, when the secretariat requires it, to set one up)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from portal.services import site_settings

EXEMPT = ("/admin/logout/", "/admin/jsi18n/")
# Whether the signed-in person had a confirmed code app when the session began: read once at
# sign-in, so admin pages do not look it up on every request.
HAS_DEVICE = "portal:has-two-factor-device"


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and not request.path.startswith(EXEMPT):
            user = request.user
            if user.is_authenticated and user.is_staff and not user.is_verified():
                has_device = request.session.get(HAS_DEVICE)
                if has_device is None:
                    has_device = request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
                query = "?" + urlencode({"next": request.get_full_path()})
                if has_device:
                    return HttpResponseRedirect(reverse("portal:two_factor_verify") + query)
                if site_settings().require_staff_two_factor:
                    return HttpResponseRedirect(reverse("portal:two_factor_setup") + query)
        return self.get_response(request)
