"""Bulk exports under /data/."""

from django.urls import path

from commitments import exports

app_name = "data"
urlpatterns = [
    path("commitments.csv", exports.commitments_csv, name="commitments_csv"),
    path("milestones.csv", exports.milestones_csv, name="milestones_csv"),
    path("commitments.xlsx", exports.commitments_xlsx, name="commitments_xlsx"),
    path("milestones.xlsx", exports.milestones_xlsx, name="milestones_xlsx"),
    path("commitments.json", exports.commitments_json, name="commitments_json"),
]
