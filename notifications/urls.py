"""Follow by email, its signed links, and the notifications page."""

from django.urls import path, re_path, register_converter

from notifications import views


class TokenConverter:
    # django.core.signing's alphabet: URL-safe base64 and ":" separators.
    regex = r"[A-Za-z0-9_\-:.]{10,400}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "notifications"
urlpatterns = [
    re_path(
        r"^follow/(?P<kind>member|plan|commitment)/(?P<key>[A-Za-z0-9_-]{1,200})/$",
        views.follow,
        name="follow",
    ),
    path("follow/confirm/<token:token>/", views.confirm, name="confirm"),
    path("follow/manage/<token:token>/", views.manage, name="manage"),
    path("follow/unsubscribe/<token:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/", views.preferences, name="preferences"),
    path("notifications/off/<token:token>/", views.switch_off, name="switch_off"),
]
