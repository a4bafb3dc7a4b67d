"""Following by email (no account needed) and the signed-in user's notifications page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commitments.models import Commitment
from commitments.views import _client_address
from notifications import services
from notifications.forms import FollowForm, PreferencesForm
from ogptracker.keys import is_ascii_digits, parse_pk
from plans.models import ActionPlan, Member


def followable(kind: str, key: str):
    """The published member, plan or commitment a follow form names, or 404."""
    if kind == "member":
        return get_object_or_404(Member, slug=key)
    if kind == "plan":
        return get_object_or_404(ActionPlan.objects.published(), slug=key)
    if kind == "commitment":
        published = Commitment.objects.published()
        if is_ascii_digits(key):
            pk = parse_pk(key)
            if pk is None:
                raise Http404
            return get_object_or_404(published, pk=pk)
        return get_object_or_404(published, ogp_id=key.upper())
    raise Http404


def _rate_limited(request) -> bool:
    """Count this follow request against its address, as comments are counted."""
    key = f"follow:rate:{_client_address(request)}"
    cache.add(key, 0, timeout=settings.FOLLOW_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.FOLLOW_RATE_WINDOW)
        count = 1
    return count > settings.FOLLOW_RATE_LIMIT


@require_http_methods(["GET", "POST"])
def follow(request, kind: str, key: str):
    """Ask to follow a page by email; the answer is the same whatever the address follows."""
    target = followable(kind, key)
    status = 200
    if request.method == "POST":
        form = FollowForm(request.POST)
        status = 400
        if form.is_valid():
            if form.is_bot:
                return render(request, "notifications/follow_sent.html", {"target": target})
            if _rate_limited(request):
                form.add_error(
                    None,
                    _("You have sent several requests in a short time. Please wait a few minutes."),
                )
                status = 429
            else:
                services.request_follow(
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    target=target,
                )
                return render(request, "notifications/follow_sent.html", {"target": target})
    else:
        form = FollowForm()
    return render(
        request,
        "notifications/follow_form.html",
        {"form": form, "target": target, "action": request.path},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The link in the confirmation email: a button confirms (link checkers only look)."""
    subscription = services.subscription_from_token(token)
    if subscription is None:
        return render(request, "notifications/link_invalid.html", status=400)
    if request.method == "POST":
        services.confirm_subscription(subscription=subscription)
        return HttpResponseRedirect(
            reverse("notifications:manage", args=[services.follower_token(subscription.follower)])
            + "?confirmed=1"
        )
    return render(
        request,
        "notifications/confirm.html",
        {"subscription": subscription, "target": subscription.target},
    )


@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    """Everything an address follows, each with a button to stop, from any email's link."""
    follower = services.follower_from_token(token)
    if follower is None:
        return render(request, "notifications/link_invalid.html", status=400)
    subscriptions = list(follower.subscriptions.with_targets().order_by("created_at", "pk"))
    if request.method == "POST":
        if "end_all" in request.POST:
            services.end_all_subscriptions(follower=follower)
            return render(request, "notifications/unsubscribed.html")
        pk = parse_pk(request.POST.get("end", ""))
        chosen = next((sub for sub in subscriptions if sub.pk == pk), None)
        if chosen is None:
            return render(
                request,
                "notifications/manage.html",
                {
                    "subscriptions": subscriptions,
                    "error": _("Choose one of the pages listed."),
                },
                status=400,
            )
        services.end_subscription(subscription=chosen)
        if len(subscriptions) == 1:
            return render(request, "notifications/unsubscribed.html")
        messages.success(request, _("You no longer follow %(page)s.") % {"page": chosen.target})
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "notifications/manage.html",
        {"subscriptions": subscriptions, "confirmed": request.GET.get("confirmed") == "1"},
    )


def _one_click(request) -> bool:
    """A mail program's RFC 8058 one-click request rather than a person's form."""
    return request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt  # mail programs post here without a page, as RFC 8058 asks; the token authorises
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """End every subscription of an address, from a link or the List-Unsubscribe header."""
    follower = services.follower_from_token(token)
    if follower is None:
        if request.method == "POST" and _one_click(request):
            return HttpResponse(status=200)  # already gone: nothing left to do
        return render(request, "notifications/link_invalid.html", status=400)
    if request.method == "POST":
        services.end_all_subscriptions(follower=follower)
        if _one_click(request):
            return HttpResponse(status=200)
        return render(request, "notifications/unsubscribed.html")
    return render(
        request,
        "notifications/unsubscribe.html",
        {"manage_url": reverse("notifications:manage", args=[token])},
    )


@csrf_exempt  # as above: the signed token names the user and the email type
@require_http_methods(["GET", "POST"])
def switch_off(request, token: str):
    """Switch one email type off for one user, from the link in that email."""
    found = services.user_kind_from_token(token)
    if found is None:
        return render(request, "notifications/link_invalid.html", status=400)
    user, kind = found
    label = dict(services.Kind.choices)[kind]
    if request.method == "POST":
        services.switch_off(user=user, kind=kind)
        if _one_click(request):
            return HttpResponse(status=200)
        return render(request, "notifications/switched_off.html", {"label": label})
    return render(request, "notifications/switch_off.html", {"label": label})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The signed-in user's emails: each type on or off, and their language."""
    kinds = services.kinds_for(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, user=request.user, kinds=kinds)
        if form.is_valid():
            services.set_email_preferences(
                user=request.user,
                enabled={kind: form.cleaned_data[kind] for kind in kinds},
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your notification settings were saved."))
            return HttpResponseRedirect(request.path)
        status = 400
    else:
        form = PreferencesForm(user=request.user, kinds=kinds)
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
