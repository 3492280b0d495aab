"""`{% caseload_rows cases %}` and `{% queue_rows cases may_allocate %}`: the rows of the caseload and of the
allocation queue, written in Python.

Each row printed a dozen values through the template engine (a lookup, a localisation and an escape each): 50 rows
were a third of either page's CPU (python -m bench.profile). The views work out each row's texts first
(keyworkers.views); these print them, escaped by `format_html` as `{{ }}` escaped them (oocr.html's: the same
text, without Django's wrappers for lazy strings around each value).
"""

from django import template
from django.utils.safestring import mark_safe

from keyworkers.templatetags.case_flags import case_flags
from oocr.html import format_html

register = template.Library()

CASELOAD_ROW = """
      <tr class="govuk-table__row">
        <td data-label="" class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s govuk-!-margin-0">{}</span></td>
        <td data-label="Route" class="govuk-table__cell">{}</td>
        <td data-label="State" class="govuk-table__cell">{}{}</td>
        <td data-label="Next appointment" class="govuk-table__cell oocr-nowrap">{}</td>
        <td data-label="Conditions due or overdue" class="govuk-table__cell">{}</td>
        <td data-label="Last contact" class="govuk-table__cell oocr-nowrap">{}</td>
        <td data-label="Allocated" class="govuk-table__cell oocr-nowrap">{}</td>
        <td data-label="Flag" class="govuk-table__cell">{}</td>
      </tr>
"""
WEEK_OF = '<br><span class="govuk-body-s">{}</span>'
FLAG = '<strong class="govuk-tag govuk-tag--{}"><span class="govuk-visually-hidden">{}: </span>{}</strong>'


@register.simple_tag
def caseload_rows(cases) -> str:
    """The caseload's rows; each case carries its texts (keyworkers.views.caseload_row_texts)."""
    return mark_safe("".join(  # noqa: S308 - each row escaped by format_html
        format_html(
            CASELOAD_ROW, case.url, case.person, case.crime_reference, case.route_text, case.status_text,
            format_html(WEEK_OF, case.week_of) if case.week_of else "", case.next_appointment_text,
            case.conditions_html, case.last_contact_text, case.allocated_text,
            format_html(FLAG, case.flag_tag, case.flag_colour, case.flag.reason) if case.flag
            else format_html("Closed {}", case.closed_text),
        )
        for case in cases
    ))


QUEUE_ROW = """
          <tr class="govuk-table__row">
            <td data-label="Case" class="govuk-table__cell oocr-nowrap"><a class="govuk-link" href="{}">{}</a></td>
            <td data-label="Person" class="govuk-table__cell">{}</td>
            <td data-label="Offences" class="govuk-table__cell" data-testid="offences">{}</td>
            <td data-label="Days waiting" class="govuk-table__cell govuk-table__cell--numeric">{}</td>
            <td data-label="Route" class="govuk-table__cell">{}</td>
            <td data-label="Area" class="govuk-table__cell">{}</td>
            <td data-label="Flags" class="govuk-table__cell">{}</td>
            <td data-label="" class="govuk-table__cell">{}</td>
          </tr>
"""
ALLOCATE = '<a class="govuk-link" href="{}">Allocate<span class="govuk-visually-hidden"> case {}</span></a>'


@register.simple_tag
def queue_rows(cases, may_allocate) -> str:
    """The allocation queue's rows; each case carries its texts (keyworkers.views.AllocationQueueView)."""
    rows = []
    for case in cases:
        number = case.number
        rows.append(format_html(
            QUEUE_ROW, case.url, number, case.person, case.offence_titles, case.days_waiting, case.route_text,
            case.person.postcode_area, case_flags(case),
            format_html(ALLOCATE, case.allocate_url, number) if may_allocate else "",
        ))
    return mark_safe("".join(rows))  # noqa: S308 - each row escaped by format_html
