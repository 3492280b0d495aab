"""The filters of an ERO's list of submissions (cases/views/intake.py), held in the URL."""

import django_filters
from django import forms
from django.db.models import Q

from cases.models import Case


class IntakeCaseFilter(django_filters.FilterSet):
    """Filters for an ERO's list of submissions; the state lives in the URL so it can be bookmarked."""

    search = django_filters.CharFilter(
        method="filter_search", label="Name or crime reference",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Case.Status.choices, label="Status", widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Case
        fields = ["search", "status"]

    def filter_search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(person__first_names__icontains=word) | Q(person__last_name__icontains=word)
                | Q(crimes__reference__icontains=word)
            )
        return queryset.distinct() if words else queryset
