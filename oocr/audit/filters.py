"""The access log's search (oocr/audit/views.py): by user, person, kind of access, record and date."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from oocr.audit.models import AccessLog


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"})


class NumberInput(forms.NumberInput):
    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"})


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("first_name", "last_name"),
        label="User",
        empty_label="Anyone",
    )
    person_id = django_filters.NumberFilter(label="Person record number", widget=NumberInput)
    kind = django_filters.ChoiceFilter(choices=AccessLog.Kind.choices, label="Kind of access", empty_label="Any")
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.order_by("app_label", "model"),
        label="Record type",
        empty_label="Any",
    )
    object_id = django_filters.NumberFilter(label="Record number", widget=NumberInput)
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From", widget=DateInput)
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To", widget=DateInput)

    class Meta:
        model = AccessLog
        fields = ["user", "person_id", "kind", "content_type", "object_id", "date_from", "date_to"]
