"""Django's `format_html` for the long lists' rows, without the lazy-string wrappers around each escape.

`format_html` escapes each value with `conditional_escape`, whose `escape` is wrapped to accept lazy strings: on the
caseload's 50 rows of ten values that wrapping cost more than the escaping (python -m bench.profile). These give the
same text: safe strings (anything with `__html__`) as they are, lazy ones made strings, the rest escaped by
`html.escape`, as Django's `escape` does. `oocr/tests/test_html.py` holds them to Django's.
"""

import html

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def conditional_escape(value) -> str:
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_html(format_string: str, *args) -> SafeString:
    return SafeString(format_string.format(*map(conditional_escape, args)))
