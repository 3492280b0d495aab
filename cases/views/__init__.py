"""The cases app's pages, by topic: intake, the case record (and case_page's CasePageMixin, which every app's case
pages share), corrections, search."""

from cases.views.case_page import CasePageMixin  # noqa: F401 - contracts/views.py imports it from here until it moves to case_page
