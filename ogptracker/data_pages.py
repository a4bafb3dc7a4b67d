"""The “Data” page at /en/data/ and /es/data/: downloads, their columns, the API.

The page and the downloads under /data/ are drawn from the public data only, so each carries
validators from its version (``ogptracker.pagecache.current``): an ``ETag`` and a
``Last-Modified``, and a conditional GET is answered 304 before anything is read or streamed.
"""

from __future__ import annotations

import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from commitments.exports import COMMITMENT_COLUMNS, MILESTONE_COLUMNS
from ogptracker import pagecache
from ogptracker.pagination import KeysFirstPaginator
from plans.models import ActionPlan

PLANS_PAGE_SIZE = 30
MAX_QUERY = 100


def plan_downloads(text: str):
    """Published plans whose title, identifier or member's name contains ``text``."""
    plans = ActionPlan.objects.published().select_related("member")
    if text:
        plans = plans.filter(
            Q(title_es__icontains=text)
            | Q(title_en__icontains=text)
            | Q(slug__icontains=text)
            | Q(member__name_es__icontains=text)
            | Q(member__name_en__icontains=text)
            | Q(member__slug__icontains=text)
        )
    return plans.only(
        "slug", "title", "original_language", "member__name", "member__original_language"
    ).order_by("member__name", "-start_year", "title", "pk")


def public_data_validators(request) -> tuple[str, datetime.datetime] | None:
    """The ``ETag`` and ``Last-Modified`` of what ``request`` gets from the public data: from its
    version, the day, the path with its query and the language (None before the first write).

    Never older than the start of the day, as cached pages: what is overdue changes at midnight.
    """
    state = pagecache.current()
    if state is None:
        return None
    version, changed_at = state
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    raw = "|".join(
        (
            str(version),
            today.isoformat(),
            request.get_full_path(),
            translation.get_language() or "",
        )
    )
    etag = '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
    return etag, max(changed_at, start_of_today)


def _personal(request) -> bool:
    # A visitor with a session (signed in, or carrying a message) sees their own header.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def conditional_on_public_data(view=None, *, anonymous_only: bool = False):
    """Give ``view``'s 200 answers the public data's validators; answer a conditional GET that
    matches them with a 304 without calling the view. ``anonymous_only``: for a page whose
    header shows who is signed in, visitors with a session always get it in full."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or (anonymous_only and _personal(request)):
                return view(request, *args, **kwargs)
            validators = public_data_validators(request)
            if validators is None:
                return view(request, *args, **kwargs)
            etag, last_modified = validators
            headers = HttpResponse()
            headers["ETag"] = etag
            headers["Last-Modified"] = http_date(last_modified.timestamp())
            headers["Cache-Control"] = "no-cache"
            patch_vary_headers(headers, ("Accept-Language", "Cookie"))
            answer = get_conditional_response(
                request,
                etag=etag,
                last_modified=int(last_modified.timestamp()),
                response=headers,
            )
            if answer is not headers:
                return answer  # 304 (or 412 for a failed If-Match)
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                for name in ("ETag", "Last-Modified", "Cache-Control"):
                    response.headers.setdefault(name, headers[name])
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


@require_safe
@conditional_on_public_data(anonymous_only=True)
def data_page(request):
    """Where to download the data, what each column means, and how to use the API."""
    text = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    plans = KeysFirstPaginator(plan_downloads(text), PLANS_PAGE_SIZE, kept=True).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "data/index.html",
        {
            "plans": plans,
            "plan_query": text,
            "query": query.urlencode(),
            "commitment_columns": COMMITMENT_COLUMNS,
            "milestone_columns": MILESTONE_COLUMNS,
        },
    )


app_name = "opendata"
urlpatterns = [path("data/", data_page, name="index")]
