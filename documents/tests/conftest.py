import pytest


@pytest.fixture(autouse=True)
def documents_in_a_temporary_folder(settings, tmp_path):
    """Each test's documents go to its own folder, gone with it (STORAGES["documents"] is looked up at each use)."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "documents")},
    }}
    return tmp_path / "documents"
