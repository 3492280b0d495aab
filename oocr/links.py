"""Addresses of records for long lists, built without resolving the URL configuration once per row.

`{% url 'cases:case_detail' case.pk %}` in a list of 50 cases reverses the URL configuration 50 times, a fifth of
a list's template rendering (python -m bench.profile). `link(name, pk)` reverses a name once per process (and
script prefix), then fills the number in: the same address as `reverse(name, args=[pk])`.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# A number no record has, reversed once and then replaced by each record's own.
_MARKER = 9081726354


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
