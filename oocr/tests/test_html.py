from django.utils import html as django_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from oocr import html


@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.text().map(mark_safe)), min_size=1, max_size=4))
def test_format_html_gives_what_djangos_gives(values):
    template = "<td>" + "</td><td>".join("{}" for _ in values) + "</td>"
    assert html.format_html(template, *values) == django_html.format_html(template, *values)
    assert type(html.format_html(template, *values)) is type(django_html.format_html(template, *values))


def test_lazy_strings_are_escaped_and_safe_ones_kept():
    assert html.conditional_escape(gettext_lazy("<b>")) == django_html.conditional_escape(gettext_lazy("<b>")) == "&lt;b&gt;"
    assert html.conditional_escape(mark_safe("<b>")) == "<b>"
    assert html.conditional_escape("'\"&") == django_html.conditional_escape("'\"&") == "&#x27;&quot;&amp;"
