"""Public report pages, protected evidence files and the evaluator workspace."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/inception/<int:pk>/", views.inception_detail, name="inception"),
    path(
        "reports/end-of-commitment/<int:pk>/",
        views.end_of_commitment_detail,
        name="end_of_commitment",
    ),
    path(
        "reports/end-of-commitment/<int:report_pk>/files/<int:pk>/",
        views.attachment,
        name="attachment",
    ),
    path("evaluations/", views.workspace, name="workspace"),
    path("evaluations/inception/<int:pk>/", views.edit_inception, name="edit_inception"),
    path(
        "evaluations/end-of-commitment/<int:pk>/",
        views.edit_end_of_commitment,
        name="edit_end_of_commitment",
    ),
]
