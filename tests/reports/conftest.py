import pytest


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path):
    # Uploaded evidence goes to a throwaway directory, never the developer's private-media/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT = tmp_path / "media"
