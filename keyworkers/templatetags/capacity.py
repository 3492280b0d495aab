"""The capacity thresholds in templates: the same rule as keyworkers.workload, never the numbers again."""

from django import template

from keyworkers import workload

register = template.Library()


@register.filter
def over_capacity(load) -> bool:
    return load is not None and workload.over_capacity(load)


@register.filter
def near_capacity(load) -> bool:
    return load is not None and workload.near_capacity(load)
