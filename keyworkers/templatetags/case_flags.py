"""`{% case_flags case %}`: a case's allocation flags as GOV.UK tags.

A tag in Python rather than an included template: included once per row of the allocation queue, the template's
lookups were almost half of the page's rendering (python -m bench.profile).
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from oocr.html import format_html

register = template.Library()

# Fixed words, printed as written (the apostrophe unescaped, as the template printed it), with their tag colours.
FLAGS = tuple((field, colour, mark_safe(label)) for field, colour, label in (  # noqa: S308 - fixed words
    ("young_adult_offer", "purple", "Young adult"),
    ("womens_offer", "pink", "Women's offer"),
    ("domestic_abuse", "red", "Domestic abuse"),
    ("override_reason", "orange", "Override"),
))


@register.simple_tag
def case_flags(case) -> str:
    tags = format_html_join("", '<strong class="govuk-tag govuk-tag--{}">{}</strong> ',
                            ((colour, label) for field, colour, label in FLAGS if getattr(case, field, None)))
    returning = getattr(case, "previous_keyworker_name", None)
    if returning:
        return tags + format_html('<strong class="govuk-tag govuk-tag--blue">Returning: {}</strong>', returning)
    return tags
