"""Where uploaded import files wait: the portal's ``imports`` storage (``ogptracker.storage``).

Kept as a module because the migrations of ``dataimport`` name ``dataimport.storage.import_storage``.
"""

from ogptracker import storage


def import_storage():
    """The storage of uploaded import files (``STORAGES["imports"]``)."""
    return storage.import_storage()
