"""Bulk exports under /data/, each with the public data's validators (a 304 when unchanged)."""

from django.urls import path

from commitments import exports
from ogptracker.data_pages import conditional_on_public_data

app_name = "data"
urlpatterns = [
    path(
        "commitments.csv",
        conditional_on_public_data(exports.commitments_csv),
        name="commitments_csv",
    ),
    path(
        "milestones.csv", conditional_on_public_data(exports.milestones_csv), name="milestones_csv"
    ),
    path(
        "commitments.xlsx",
        conditional_on_public_data(exports.commitments_xlsx),
        name="commitments_xlsx",
    ),
    path(
        "milestones.xlsx",
        conditional_on_public_data(exports.milestones_xlsx),
        name="milestones_xlsx",
    ),
    path(
        "commitments.json",
        conditional_on_public_data(exports.commitments_json),
        name="commitments_json",
    ),
]
