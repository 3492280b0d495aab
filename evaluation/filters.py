"""The cohort report's filters and breakdowns, applied on top of its selector, with the state kept in the URL."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, Person
from evaluation.models import ReoffendingResult
from evaluation.selectors import measure_choices
from oocr.forms import GovukForm


def _years() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - 8, -1)]


def _not_in_list(what: str, meanwhile: str) -> dict[str, str]:
    return {"invalid_choice": f"Select {what} from the list (the report shows {meanwhile} until you do)"}


# What the report can break its figures down by; the keyworker only for a manager (the view removes it otherwise).
BREAKDOWN_CHOICES = [
    ("route", "Route"), ("area", "Area (home postcode)"), ("sex", "Sex"), ("age_band", "Age band"),
    ("ethnicity", "Ethnicity"), ("young_adult", "Young adult offer"), ("womens", "Women's offer"), ("keyworker", "Keyworker"),
]


# Figures by keyworker are for the managers who manage them.
KEYWORKER_BREAKDOWN_PERMISSION = "keyworkers.manage_staff"


class CohortReportFilterForm(GovukForm):
    """The filters' form, with a helper so that the page's GOV.UK error summary lists a value not in a list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False


class CohortReportFilter(django_filters.FilterSet):
    """The cohort report's filters; the state is in the URL, so a report can be bookmarked and shared.

    `measure` (a definition and its follow-up) is applied by the view, which needs it whatever else is chosen.
    A value not in a list (a bookmark from a year that has dropped out of it, a hand-edited URL) is an error on
    its field and is left out of `qs`, which applies the filters that are valid: the report still opens.
    """

    measure = django_filters.ChoiceFilter(label="Reoffending measure", choices=measure_choices, empty_label=None,
                                          method="filter_nothing",
                                          error_messages=_not_in_list("a reoffending measure", "the first one"))
    period = django_filters.ChoiceFilter(label="Case closed in", choices=_years, empty_label="Any year",
                                         field_name="case__closed_at", lookup_expr="year",
                                         error_messages=_not_in_list("the year the case closed in", "any year"))
    route = django_filters.ChoiceFilter(label="Route", choices=Case.Route.choices, empty_label="Any route", field_name="case__route",
                                        error_messages=_not_in_list("a route", "any route"))
    sex = django_filters.ChoiceFilter(label="Sex", choices=Person.Sex.choices, empty_label="Any", field_name="case__baseline__sex",
                                      error_messages=_not_in_list("a sex", "any sex"))
    age_band = django_filters.ChoiceFilter(label="Age on the offence date", empty_label="Any age", method="filter_age_band",
                                           choices=[("18-25", "18 to 25"), ("26+", "26 and over")],
                                           error_messages=_not_in_list("an age", "any age"))
    enhanced = django_filters.ChoiceFilter(label="Offer", empty_label="Any offer", method="filter_enhanced",
                                           choices=[("yes", "Enhanced (young adult or women's)"), ("no", "Standard")],
                                           error_messages=_not_in_list("an offer", "any offer"))
    # Any date range, on the measure's start date (the decision, the offence or the contract's end: the definition says).
    start_from = django_filters.DateFilter(
        label="Started on or after", field_name="start_date", lookup_expr="gte", help_text="For example, 1/4/2025",
        error_messages={"invalid": "Enter the first day of the period as a date, like 1/4/2025"})
    start_to = django_filters.DateFilter(
        label="Started on or before", field_name="start_date", lookup_expr="lte", help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter the last day of the period as a date, like 31/3/2026"})
    breakdown = django_filters.ChoiceFilter(label="Break down by", empty_label="No breakdown", method="filter_nothing",
                                            choices=BREAKDOWN_CHOICES,
                                            error_messages=_not_in_list("a breakdown", "no breakdown"))

    class Meta:
        model = ReoffendingResult
        form = CohortReportFilterForm
        fields = ["measure", "period", "start_from", "start_to", "route", "sex", "age_band", "enhanced", "breakdown"]

    def described(self) -> list[tuple[str, str]]:
        """The filters applied (valid ones only), as (label, value shown): for the definition every figure carries."""
        form = self.form
        if not form.is_bound:
            return []
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        applied = []
        for name, field in form.fields.items():
            if name in ("measure", "breakdown") or name not in data or data[name] in (None, ""):
                continue
            value = data[name]
            choices = dict(getattr(field, "choices", []) or [])
            shown = value.strftime("%-d %B %Y") if hasattr(value, "strftime") else choices.get(value, value)
            applied.append((str(field.label), str(shown)))
        return applied

    def case_conditions(self) -> Q:
        """The same filters as a condition on cases (the quarterly trend counts cases, not check results)."""
        if self.form.is_bound:
            self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})  # a value not in a list is left out, as in `qs`
        condition = Q()
        if data.get("period"):
            condition &= Q(closed_at__year=data["period"])
        if data.get("route"):
            condition &= Q(route=data["route"])
        if data.get("sex"):
            condition &= Q(baseline__sex=data["sex"])
        if data.get("age_band") == "18-25":
            condition &= Q(baseline__age__gte=18, baseline__age__lte=25)
        elif data.get("age_band") == "26+":
            condition &= Q(baseline__age__gte=26)
        enhanced = Q(young_adult_offer=True) | Q(womens_offer=True)
        if data.get("enhanced") == "yes":
            condition &= enhanced
        elif data.get("enhanced") == "no":
            condition &= ~enhanced
        return condition

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if not (user and user.has_perm(KEYWORKER_BREAKDOWN_PERMISSION)):
            self.filters["breakdown"].extra["choices"] = [c for c in BREAKDOWN_CHOICES if c[0] != "keyworker"]

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_age_band(self, queryset, name, value):
        if value == "18-25":
            return queryset.filter(case__baseline__age__gte=18, case__baseline__age__lte=25)
        return queryset.filter(case__baseline__age__gte=26)

    def filter_enhanced(self, queryset, name, value):
        enhanced = Q(case__young_adult_offer=True) | Q(case__womens_offer=True)
        return queryset.filter(enhanced) if value == "yes" else queryset.exclude(enhanced)


class TimeToReoffenceFilter(CohortReportFilter):
    """The cohort report's filters, without its breakdown: the time-to-reoffence page compares the report's groups."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("breakdown")
