"""Where evidence files of reports live: the project's private storage (``ogptracker.storage``).

Kept as a module because the migrations of ``reports`` name ``reports.storage.private_storage``.
"""

from ogptracker.storage import PrivateStorage, private_storage

__all__ = ["PrivateStorage", "private_storage"]
