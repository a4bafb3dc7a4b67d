"""The REST API under /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from commitments import api as commitments_api
from ogptracker.api import not_found
from plans import api as plans_api
from reports import api as reports_api

app_name = "api"


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the portal's own static files, its script a separate file (strict CSP)."""

    template_name = "api/swagger_ui.html"


router = DefaultRouter()
router.register("members", plans_api.MemberViewSet, basename="member")
router.register("institutions", plans_api.InstitutionViewSet, basename="institution")
router.register("plans", plans_api.ActionPlanViewSet, basename="actionplan")
router.register("commitments", commitments_api.CommitmentViewSet, basename="commitment")
router.register("milestones", commitments_api.MilestoneViewSet, basename="milestone")
router.register(
    "milestone-updates", commitments_api.MilestoneUpdateViewSet, basename="milestoneupdate"
)
router.register("documents", commitments_api.DocumentViewSet, basename="document")
router.register("inception-reports", reports_api.InceptionReportViewSet, basename="inceptionreport")
router.register(
    "end-of-commitment-reports",
    reports_api.EndOfCommitmentReportViewSet,
    basename="endofcommitmentreport",
)
router.register("ogp-values", plans_api.OGPValueViewSet, basename="ogpvalue")
router.register("policy-areas", plans_api.PolicyAreaViewSet, basename="policyarea")
router.register("sectors", plans_api.SectorViewSet, basename="sector")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", not_found),  # any path, even one with a newline in it
]
