"""The “Data” page at /en/data/ and /es/data/: downloads, their columns, the API."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from commitments.exports import COMMITMENT_COLUMNS, MILESTONE_COLUMNS
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
    return plans.only("slug", "title", "original_language", "member__name").order_by(
        "member__name", "-start_year", "title", "pk"
    )


@require_safe
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
