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

    class Meta:
        model = ReoffendingResult
        form = CohortReportFilterForm
        fields = ["measure", "period", "route", "sex", "age_band", "enhanced"]

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_age_band(self, queryset, name, value):
        if value == "18-25":
            return queryset.filter(case__baseline__age__gte=18, case__baseline__age__lte=25)
        return queryset.filter(case__baseline__age__gte=26)

    def filter_enhanced(self, queryset, name, value):
        enhanced = Q(case__young_adult_offer=True) | Q(case__womens_offer=True)
        return queryset.filter(enhanced) if value == "yes" else queryset.exclude(enhanced)
