"""How the evaluation pages write figures: shares as percentages, intervals in brackets, dashes for none."""

from django import template

register = template.Library()
NONE = "–"


@register.filter
def percent(value, places=1):
    """0.19 -> 19.0%"""
    return NONE if value is None else f"{100 * value:.{int(places)}f}%"


@register.filter
def number(value, places=1):
    return NONE if value is None else f"{value:,.{int(places)}f}"


@register.filter
def interval(pair, kind="percent"):
    """(low, high) -> '12.5% to 27.8%' (or numbers)."""
    low, high = pair
    if low is None or high is None:
        return NONE
    write = percent if kind == "percent" else number
    return f"{write(low)} to {write(high)}"


@register.filter
def p_value(value):
    if value is None:
        return NONE
    return "less than 0.001" if value < 0.001 else f"{value:.3f}"
