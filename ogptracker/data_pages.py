"""The “Data” page at /en/data/ and /es/data/: downloads, their columns, the API."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from commitments.exports import COMMITMENT_COLUMNS, MILESTONE_COLUMNS
from plans.models import ActionPlan


@require_safe
def data_page(request):
    """Where to download the data, what each column means, and how to use the API."""
    plans = (
        ActionPlan.objects.published()
        .select_related("member")
        .order_by("member__name", "-start_year", "title")
    )
    return render(
        request,
        "data/index.html",
        {
            "plans": plans,
            "commitment_columns": COMMITMENT_COLUMNS,
            "milestone_columns": MILESTONE_COLUMNS,
        },
    )


app_name = "opendata"
urlpatterns = [path("data/", data_page, name="index")]
