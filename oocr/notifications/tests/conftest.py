"""These tests approve breaches (each makes its breach pack) or keep documents: their files go to a temporary folder."""

from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401
