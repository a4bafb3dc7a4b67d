"""Bulk exports under /data/."""

app_name = "data"
urlpatterns: list = []
