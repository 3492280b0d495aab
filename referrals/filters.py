"""The partner directory's filters: a search, a need, an area, a type, active or not; the state kept in the URL."""

import django_filters
from django.conf import settings
from django.db.models import Q

from contracts.models import NeedDomain
from referrals.models import Partner
from referrals.selectors import area_served


class PartnerFilter(django_filters.FilterSet):
    """The directory's search and filters; their state is in the URL so a search can be shared."""

    q = django_filters.CharFilter(label="Search", method="filter_text")
    need = django_filters.ModelChoiceFilter(
        label="Need", field_name="need_domains", queryset=NeedDomain.objects.filter(is_active=True), empty_label="Any need",
    )
    area = django_filters.ChoiceFilter(
        label="Area", empty_label="Any area", method="filter_area",
        choices=lambda: [(area, area) for area in settings.FORCE_POSTCODE_AREAS],
    )
    kind = django_filters.ChoiceFilter(label="Type", choices=Partner.Kind.choices, empty_label="Any type")
    active = django_filters.ChoiceFilter(
        label="Show", empty_label="Taking referrals", method="filter_active",
        choices=[("all", "All, including those not taking referrals")],
    )

    class Meta:
        model = Partner
        fields = ["q", "need", "area", "kind", "active"]

    @property
    def qs(self):
        queryset = super().qs
        show_all = getattr(self.form, "cleaned_data", {}).get("active") == "all"
        return queryset if show_all else queryset.filter(is_active=True)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(services__icontains=value) | Q(eligibility_notes__icontains=value))

    def filter_area(self, queryset, name, value):
        return queryset.filter(area_served(value))

    def filter_active(self, queryset, name, value):
        return queryset  # applied in `qs`, so that the default (empty) shows only active partners
