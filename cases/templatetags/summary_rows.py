"""`{% summary_row key="Name" value=person change="cases:intake_person" extra=... %}`: one row of a GOV.UK summary list.

A tag in Python rather than an included template: the case page's summary included the row template 15 times, and
those includes were a fifth of the page's rendering (python -m bench.profile). `editable` and `summary` come from the
page, as they did: with `editable` on, the row has a Change link to `change` for `summary`.
"""

from django import template
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def summary_row(context, *, key, value, change=None, extra=None) -> str:
    value_html = render_value_in_context(value, context)
    if isinstance(extra, str) and extra.strip():
        value_html = format_html("{}<br>{}", value_html, mark_safe(render_value_in_context(extra, context)))  # noqa: S308 - escaped just now
    actions = ""
    if context.get("editable"):
        actions = format_html(
            '\n  <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">Change'
            '<span class="govuk-visually-hidden"> {}</span></a></dd>',
            reverse(change, args=[context.get("summary").pk]), str(key).lower(),
        )
    return format_html(
        '<div class="govuk-summary-list__row">\n  <dt class="govuk-summary-list__key">{}</dt>\n'
        '  <dd class="govuk-summary-list__value">{}</dd>{}\n</div>',
        mark_safe(render_value_in_context(key, context)), mark_safe(value_html), actions,  # noqa: S308 - escaped by render_value_in_context
    )
