"""Addresses of records for long lists, built without resolving the URL configuration once per row.

`{% url 'cases:case_detail' case.pk %}` in a list of 50 cases reverses the URL configuration 50 times, a fifth of
a list's template rendering (python -m bench.profile). `link(name, pk)` reverses a name once per process (and
script prefix), then fills the number in: the same address as `reverse(name, args=[pk])`.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# A number no record has, reversed once and then replaced by each record's own.
_MARKER = 9081726354


@lru_cache(maxsize=128)
def _address(name: str, prefix: str) -> str:
    return reverse(name)


def address(name: str) -> str:
    """`reverse(name)` for a URL without arguments (the navigation's), reversed once per process and script prefix."""
    return _address(name, get_script_prefix())


@lru_cache(maxsize=64)
def _pattern(name: str, prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return before, after


def link(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL whose only argument is an integer."""
    before, after = _pattern(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


def case_link(pk: int) -> str:
    """The case page's address."""
    return link("cases:case_detail", pk)


# The sections of a case record, in cases/case_base.html's sub-navigation.
CASE_SECTIONS = {
    "overview": "cases:case_detail", "assessment": "contracts:assessment", "victim": "cases:case_victim",
    "history": "cases:case_history", "contract": "contracts:contract", "contacts": "contracts:contacts",
    "referrals": "referrals:case_referrals", "surveys": "evaluation:case_surveys", "documents": "documents:case_documents",
}


def case_section_links(pk: int) -> dict[str, str]:
    """Each section's address for one case: nine addresses on every case page, without nine reversals."""
    return {section: link(name, pk) for section, name in CASE_SECTIONS.items()}
