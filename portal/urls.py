from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("privacy/", views.legal_page, {"page": "privacy", "slug": "privacy"}, name="privacy"),
    path(
        "privacidad/",
        views.legal_page,
        {"page": "privacy", "slug": "privacidad"},
        name="privacidad",
    ),
    path(
        "accessibility/",
        views.legal_page,
        {"page": "accessibility", "slug": "accessibility"},
        name="accessibility",
    ),
    path(
        "accesibilidad/",
        views.legal_page,
        {"page": "accessibility", "slug": "accesibilidad"},
        name="accesibilidad",
    ),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "accounts/welcome/<uidb64>/<token>/",
        views.InvitationView.as_view(),
        name="invitation",
    ),
    path("accounts/welcome/done/", views.InvitationDoneView.as_view(), name="invitation_done"),
]
