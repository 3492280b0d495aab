"""The filters, tabs and sorts of the allocation queue and of a keyworker's caseload (keyworkers/views.py), all held
in the URL so that a view of the list can be bookmarked."""

from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from keyworkers.selectors import CaseloadAt, caseload_at
from oocr.filters import FormHtmlOnceMixin


# The queue's columns and what each sorts by, ascending; the oldest case first breaks ties.
QUEUE_SORTS = {
    "case": ("id",),
    "name": ("person__last_name", "person__first_names", "submitted_at", "id"),
    "offences": ("first_offence", "submitted_at", "id"),
    "age": ("-submitted_at", "-id"),  # youngest first; the queue's own order is the oldest first
    "route": ("route", "submitted_at", "id"),
    "area": ("person__postcode", "submitted_at", "id"),
    "flags": ("-flag_count", "submitted_at", "id"),  # most flags first
}


def sort_fields(fields: tuple[str, ...], *, descending: bool) -> list[str]:
    """The order_by of a sort key, each field turned round for the descending sort."""
    if not descending:
        return list(fields)
    return [field[1:] if field.startswith("-") else f"-{field}" for field in fields]


class AllocationQueueFilter(FormHtmlOnceMixin, django_filters.FilterSet):
    """Filters for the allocation queue; their state is in the URL. Fixed choices: the form is rendered once per state."""

    area = django_filters.ChoiceFilter(
        label="Area", empty_label="Any area", method="filter_area",
        choices=lambda: [(area, area) for area in settings.FORCE_POSTCODE_AREAS],
    )
    route = django_filters.ChoiceFilter(label="Route", choices=Case.Route.choices, empty_label="Any route")
    flag = django_filters.ChoiceFilter(
        label="Flag", empty_label="Any", method="filter_flag",
        choices=[("young_adult", "Young adult offer"), ("women", "Women's offer"), ("domestic_abuse", "Domestic abuse"),
                 ("override", "Submitted by override"), ("returning", "Returning person")],
    )
    waited = django_filters.ChoiceFilter(
        label="Waiting at least", empty_label="Any time", method="filter_waited",
        choices=[("3", "3 days"), ("7", "7 days"), ("14", "14 days")],
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=[(key, key) for key in QUEUE_SORTS] + [(f"-{key}", f"-{key}") for key in QUEUE_SORTS],
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = ["area", "route", "flag", "waited", "sort"]

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*sort_fields(QUEUE_SORTS[value.lstrip("-")], descending=value.startswith("-")))

    def filter_area(self, queryset, name, value):
        return queryset.filter(person__postcode__iregex=rf"^{value}[0-9]")

    def filter_flag(self, queryset, name, value):
        return {
            "young_adult": queryset.filter(young_adult_offer=True),
            "women": queryset.filter(womens_offer=True),
            "domestic_abuse": queryset.filter(domestic_abuse=True),
            "override": queryset.exclude(override_reason=""),
            "returning": queryset.filter(previous_keyworker_id__isnull=False),
        }[value]

    def filter_waited(self, queryset, name, value):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))


CASELOAD_TABS = {
    "to_contact": ("To contact", Q(status=Case.Status.ALLOCATED)),
    "assessment": ("Assessment", Q(status=Case.Status.ASSESSMENT)),
    "active": ("Active", Q(status=Case.Status.ACTIVE)),
    "ending": ("Ending in 14 days", None),  # depends on today: see caseload_tab_condition
    "closed": ("Recently closed", Q(closed_at__isnull=False)),
}
def caseload_tab_condition(key: str, *, at: CaseloadAt | None = None) -> Q:
    """The cases under a caseload tab; `at` (selectors.caseload_at) gives the day "ending" counts from."""
    if key == "ending":
        return Q(status=Case.Status.ACTIVE, contract__end_date__lte=(at or caseload_at()).ending_by)
    return CASELOAD_TABS[key][1]


CASELOAD_SORTS = {
    "name": ("person__last_name", "person__first_names"),
    "state": ("status", "person__last_name"),
    "allocated": ("allocated_at",),
    "route": ("route", "person__last_name"),
}


class CaseloadFilter(django_filters.FilterSet):
    """Tabs, search and sorting of a caseload, all held in the URL."""

    search = django_filters.CharFilter(
        method="filter_search", label="Search by name or crime reference",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    tab = django_filters.ChoiceFilter(
        method="filter_tab", choices=[(key, label) for key, (label, _) in CASELOAD_TABS.items()], widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=[(key, key) for key in CASELOAD_SORTS]
        + [(f"-{key}", f"-{key}") for key in CASELOAD_SORTS], widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = ["search", "tab", "sort"]

    def __init__(self, data=None, *args, whole_caseload: bool = False, at: CaseloadAt | None = None, **kwargs):
        # Always bound, so that no tab at all ("All open") is filtered too; `whole_caseload` skips that, for the tab counts.
        super().__init__({} if data is None else data, *args, **kwargs)
        self.whole_caseload, self.at = whole_caseload, at

    def filter_queryset(self, queryset):
        # "All open" (no tab) is the open cases only: the recently closed are under their own tab.
        if not self.whole_caseload and not self.form.cleaned_data.get("tab"):
            queryset = queryset.filter(status__in=Case.OPEN_ALLOCATED)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(person__first_names__icontains=word) | Q(person__last_name__icontains=word)
                | Q(crime_reference__icontains=word)
            )
        return queryset

    def filter_tab(self, queryset, name, value):
        return queryset.filter(caseload_tab_condition(value, at=self.at))

    def filter_sort(self, queryset, name, value):
        fields = CASELOAD_SORTS[value.lstrip("-")]
        return queryset.order_by(*[f"-{field}" if value.startswith("-") else field for field in fields])
