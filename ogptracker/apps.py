from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save


def add_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite learns ``ogp_unaccent``, which PostgreSQL gets from a migration."""
    if connection.vendor == "sqlite":
        from commitments.search import normalise

        connection.connection.create_function("ogp_unaccent", 1, normalise, deterministic=True)


class OgptrackerConfig(AppConfig):
    """The project itself: what every app shares, wired once."""

    name = "ogptracker"
    verbose_name = "ogptracker"

    def ready(self) -> None:
        from ogptracker import connections, lookups, pagecache
        from ogptracker.text import clean_before_save

        lookups.register()
        pagecache.connect()
        connections.connect()
        # Every save of every model: the receiver keeps to the project's own apps.
        pre_save.connect(clean_before_save, dispatch_uid="ogptracker.clean_text")
        connection_created.connect(add_sqlite_functions, dispatch_uid="ogptracker.sqlite")
