"""The capacity thresholds in templates: the same rule as keyworkers.workload, never the numbers again."""

from django import template
from django.utils.formats import date_format

from keyworkers import workload
from keyworkers.models import StaffProfile
from oocr.html import format_html

register = template.Library()


@register.filter
def over_capacity(load) -> bool:
    return load is not None and workload.over_capacity(load)


@register.filter
def near_capacity(load) -> bool:
    return load is not None and workload.near_capacity(load)


# A load and an availability are printed on each row of the team view and of the chooser: tags in Python, not an
# included template per cell (the includes were a fifth of the team view's CPU, python -m bench.profile).
LOAD_TAG = '<strong class="govuk-tag govuk-tag--{}">{}%</strong>'
GREY_TAG = '<strong class="govuk-tag govuk-tag--grey">{}</strong>'


@register.simple_tag
def load_percent(load) -> str:
    """A keyworker's load: red over capacity, yellow near it, plain below."""
    if over_capacity(load):
        return format_html(LOAD_TAG, "red", load)
    if near_capacity(load):
        return format_html(LOAD_TAG, "yellow", load)
    return format_html("{}%", load)


@register.simple_tag
def availability(profile) -> str:
    """On leave (until when, if known), not taking cases, or available."""
    if profile.availability == StaffProfile.Availability.ON_LEAVE:
        until = f" until {date_format(profile.leave_until, 'j M')}" if profile.leave_until else ""
        return format_html(GREY_TAG, f"On leave{until}")
    if profile.availability == StaffProfile.Availability.INACTIVE:
        return format_html(GREY_TAG, "Not taking cases")
    return "Available"
