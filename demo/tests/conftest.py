"""The demo's seed approves a breach, which makes its breach pack: its file goes to a temporary folder."""

from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401
