from django.apps import AppConfig
from django.db.models.signals import pre_save


class OgptrackerConfig(AppConfig):
    """The project itself: what every app shares, wired once."""

    name = "ogptracker"
    verbose_name = "ogptracker"

    def ready(self) -> None:
        from ogptracker import pagecache
        from ogptracker.text import clean_before_save

        pagecache.connect()
        # Every save of every model: the receiver keeps to the project's own apps.
        pre_save.connect(clean_before_save, dispatch_uid="ogptracker.clean_text")
