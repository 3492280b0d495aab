"""A fixture other apps' tests use where they write documents (a breach approved makes its breach pack): each test's
files go to its own temporary folder, never to var/documents of the checkout. Import it into a test module or an app's
tests conftest (`from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401`): it is autouse."""

import pytest


@pytest.fixture(autouse=True)
def documents_in_a_temporary_folder(settings, tmp_path):
    """Each test's documents go to its own folder, gone with it (STORAGES["documents"] is looked up at each use)."""
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "documents")},
    }}
    return tmp_path / "documents"
