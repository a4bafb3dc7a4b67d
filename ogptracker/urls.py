from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from commitments.sitemaps import CommitmentSitemap, PagesSitemap
from ogptracker.files import site_logo
from plans.sitemaps import ActionPlanSitemap, ForumSitemap, InstitutionSitemap, MemberSitemap
from plans.views import document_file
from portal import views as portal_views
from portal.forms import PasswordResetForm
from portal.sitemaps import LegalPagesSitemap
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
    "about": LegalPagesSitemap,
}


def admin_login(request):
    query = "?" + urlencode({"next": request.GET.get("next") or "/admin/"})
    return HttpResponseRedirect(reverse("login") + query)


urlpatterns = [
    # The admin signs in through the portal's own page: rate limited, with a second factor.
    path("admin/login/", admin_login),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("ogptracker.api_urls")),
    path("data/", include("ogptracker.data_urls")),
    # Uploaded documents, served by the portal after checking their publication.
    path("files/documents/<int:pk>/", document_file, name="document_file"),
    # The portal's logo, from its storage (a bucket when configured): no /media/ to serve.
    path("files/logo/<str:version>/", site_logo, name="site_logo"),
    # An index of the sections, each paginated (``?p=2``): bounded at any size.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

urlpatterns += i18n_patterns(
    path("accounts/login/", portal_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("portal.urls")),
    path("", include("plans.urls")),
    path("", include("commitments.urls")),
    path("", include("reports.urls")),
    path("", include("ogptracker.data_pages")),
    path("", include("notifications.urls")),
    prefix_default_language=True,
)
