"""The cases app's pages, by topic: intake, the case record (and case_page's CasePageMixin, which every app's case
pages share), corrections, search."""
