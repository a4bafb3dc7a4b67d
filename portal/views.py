"""Sign-in with an optional second step, invitations, two-factor setup, privacy and accessibility."""

from __future__ import annotations

import time
from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ogptracker.languages import active_language
from portal.forms import TokenForm
from portal.middleware import HAS_DEVICE
from portal.services import invitation_tokens, site_settings

PENDING = "portal:two-factor-pending"
PENDING_SECONDS = 300
LEGAL_SLUGS = {
    "privacy": {"es": "privacidad", "en": "privacy"},
    "accessibility": {"es": "accesibilidad", "en": "accessibility"},
}


def legal_url(page: str) -> str:
    """The privacy or accessibility page's address in the active language."""
    return reverse(f"portal:{LEGAL_SLUGS[page][active_language()]}")


def legal_page(request, page: str, slug: str):
    """The privacy notice or the accessibility statement, under its name in each language."""
    if slug != LEGAL_SLUGS[page][active_language()]:
        return redirect(legal_url(page), permanent=True)
    site = site_settings()
    field = "privacy_notice" if page == "privacy" else "accessibility_statement"
    return render(
        request, "portal/legal.html", {"page": page, "text": site.page_text(field), "site": site}
    )


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("commitments:home")


class SignInView(auth_views.LoginView):
    """Username and password; people with a code app then give a code before they are in."""

    redirect_authenticated_user = False

    def form_valid(self, form):
        user = form.get_user()
        if user_has_device(user, confirmed=True):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return HttpResponseRedirect(reverse("portal:two_factor_verify"))
        return super().form_valid(form)


@never_cache
@sensitive_post_parameters("token")
def two_factor_verify(request):
    """The second step: the code from the person's app (after the password, or for the admin)."""
    pending = request.session.get(PENDING)
    user = None
    if pending and time.time() - pending.get("at", 0) < PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    elif request.user.is_authenticated:
        user = request.user
        pending = None
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    if not user_has_device(user, confirmed=True):
        return redirect("portal:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            next_url = pending["next"] if pending else request.GET.get("next", "")
            request.session.pop(PENDING, None)
            if pending:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request, next_url))
        form.add_error(
            "token",
            _("That code is not right or has expired. Wait for a new one and try again."),
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/two_factor_verify.html", {"form": form}, status=status)


@never_cache
@login_required
@sensitive_post_parameters("token")
def two_factor_setup(request):
    """Turn two-factor sign-in on (a secret to scan or type, then a code) or off."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    required = user.is_staff and site_settings().require_staff_two_factor
    form = TokenForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and request.POST.get("action") == "disable":
            if required:
                messages.error(request, _("The secretariat requires two-factor sign-in for staff."))
                return redirect("portal:two_factor_setup")
            if form.is_valid() and confirmed.verify_token(form.cleaned_data["token"]):
                for device in devices_for_user(user, confirmed=None):
                    device.delete()
                request.session[HAS_DEVICE] = False
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("portal:two_factor_setup")
            if form.is_valid():
                form.add_error("token", _("That code is not right or has expired."))
        context = {"confirmed": confirmed, "form": form, "required": required}
        status = 400 if request.method == "POST" else 200
        return render(request, "portal/two_factor_setup.html", context, status=status)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Code app"), confirmed=False)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(
                request, _("Two-factor sign-in is on: from now on you will be asked for a code.")
            )
            return HttpResponseRedirect(_safe_next(request, request.GET.get("next", "")))
        form.add_error(
            "token",
            _("That code is not right or has expired. Check the time on your phone and try again."),
        )
    context = {
        "form": form,
        "required": required,
        "secret": b32encode(device.bin_key).decode(),
        "uri": device.config_url,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/two_factor_setup.html", context, status=status)


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invitee chooses a password from the signed, expiring link; the link then dies."""

    token_generator = invitation_tokens
    template_name = "portal/invitation.html"
    success_url = reverse_lazy("portal:invitation_done")
    reset_url_token = "choose-password"


class InvitationDoneView(auth_views.PasswordResetCompleteView):
    template_name = "portal/invitation_done.html"


def client_ip(request) -> str | None:
    """The address sign-in attempts are counted against (behind trusted proxies, the client's)."""
    import ipaddress

    from commitments.views import _client_address

    address = _client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # no address (a request built in code) or a malformed header
        return None


def locked_out(request, response=None, credentials=None):
    """What a locked-out sign-in sees (django-axes): a 429 page saying how long and what to do."""
    from math import ceil

    from django.conf import settings

    hours = max(1, ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 3600))
    return render(request, "registration/locked_out.html", {"cooloff_hours": hours}, status=429)
