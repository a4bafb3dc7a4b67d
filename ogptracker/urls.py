from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from commitments.sitemaps import CommitmentSitemap, PagesSitemap
from plans.sitemaps import ActionPlanSitemap, ForumSitemap, InstitutionSitemap, MemberSitemap
from reports.sitemaps import EndOfCommitmentReportSitemap, InceptionReportSitemap


@never_cache
def health(request):
    """For load balancers (and ``make bench``'s baseline): the app server answers; no database."""
    return HttpResponse("ok\n", content_type="text/plain")


SITEMAPS = {
    "pages": PagesSitemap,
    "members": MemberSitemap,
    "plans": ActionPlanSitemap,
    "commitments": CommitmentSitemap,
    "institutions": InstitutionSitemap,
    "secretariat": ForumSitemap,
    "inception-reports": InceptionReportSitemap,
    "end-of-commitment-reports": EndOfCommitmentReportSitemap,
}

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("ogptracker.api_urls")),
    path("data/", include("ogptracker.data_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

urlpatterns += i18n_patterns(
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("plans.urls")),
    path("", include("commitments.urls")),
    path("", include("reports.urls")),
    path("", include("ogptracker.data_pages")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
