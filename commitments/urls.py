from django.urls import path
from django.utils.translation import pgettext_lazy

from commitments import feeds, site_search, views

app_name = "commitments"
urlpatterns = [
    path("", views.home, name="home"),
    path(pgettext_lazy("URL", "search/"), site_search.search, name="search"),
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/download.csv", views.commitment_csv, name="csv"),
    path("commitments/<str:key>/", views.commitment_detail, name="detail"),
    path("commitments/<str:key>/feed/", feeds.CommitmentUpdatesFeed(), name="commitment_feed"),
    path("corrections/", views.corrections, name="corrections"),
    path(
        "evidence/<int:update_pk>/<int:pk>/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("comments/<str:label>/<int:pk>/", views.comment_create, name="comment"),
    path("feeds/updates/", feeds.UpdatesFeed(), name="feed"),
    path("feeds/updates/plans/<slug:slug>/", feeds.PlanUpdatesFeed(), name="plan_feed"),
]
