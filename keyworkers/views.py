"""Allocation queue and chooser, reallocation (one case or many), allocation reviews, caseloads, the team view and
staff profiles."""

from dataclasses import asdict
from functools import cached_property

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from cases.models import Case
from keyworkers import forms, selectors, services
from keyworkers.filters import CASELOAD_TABS, AllocationQueueFilter, CaseloadFilter, caseload_tab_condition
from keyworkers.models import Allocation, AllocationReview, StaffProfile
from keyworkers.workload import over_capacity, recommend
from oocr.accounts.roles import Role
from oocr.links import case_link, link
from oocr.prepared import PreparedPages, PreparedQuery, aggregate_row
from oocr.views import RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin

User = get_user_model()
# The caseload's tabs of open cases, which "All open" (no tab) lists together (CaseloadFilter.filter_queryset).
OPEN_TABS = ("to_contact", "assessment", "active")


# The caseload's order: red flags first, then amber, then green (then the recently closed), across every page.
CASELOAD_ORDER = ("flag_rank", "status", "allocated_at", "id")
CASELOAD_PAGE_SIZE = 50


def _caseload_page(*, tab: str, sort: str, offset: int, limit: int):
    queryset = selectors.caseload(at=selectors.CASELOAD_SLOTS).order_by(*CASELOAD_ORDER)
    filterset = CaseloadFilter({"tab": tab, "sort": sort}, queryset=queryset, at=selectors.CASELOAD_SLOTS)
    assert filterset.is_valid(), filterset.errors  # noqa: S101 - the view passes only values its own filter set accepted
    return filterset.qs[offset:offset + limit]


def _caseload_tab_counts():
    return aggregate_row(selectors.caseload_cases(at=selectors.CASELOAD_SLOTS), **{
        key: Count("id", filter=caseload_tab_condition(key, at=selectors.CASELOAD_SLOTS)) for key in CASELOAD_TABS})


# A caseload page without a search, and its tab counts, built and compiled once a process for each tab, sort and
# page (oocr/prepared.py): building and compiling them was about half the page's CPU. With a search, the ORM as usual.
CASELOAD_PAGE = PreparedQuery(_caseload_page)
CASELOAD_TAB_COUNTS = PreparedQuery(_caseload_tab_counts)


class PreparedListMixin:
    """A FilterView whose rows come from prepared queries (oocr/prepared.py) when `prepared_rows()` can answer for the
    filter values asked for, and otherwise from `list_queryset()` through the filter set, as FilterView's would."""

    def get_queryset(self):
        # What the filter set filters is chosen in `get`, once its values are known.
        return Case.objects.none()

    @property
    def filterset_accepted(self) -> bool:
        # Unbound (no values in the address) is the whole list; values that do not validate, none of it (FilterView's).
        return not self.filterset.is_bound or self.filterset.is_valid()

    def prepared_rows(self) -> PreparedPages | None:
        raise NotImplementedError

    def list_queryset(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.prepared_rows()
        if self.object_list is None:
            self.filterset.queryset = self.list_queryset()
            self.object_list = self.filterset.qs if self.filterset_accepted else self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)


class CaseloadView(RoleRequiredMixin, PreparedListMixin, FilterView):
    """A keyworker's start page: every open case, what needs doing, and why."""

    permission_required = "accounts.hold_caseload"
    filterset_class = CaseloadFilter
    template_name = "keyworkers/caseload.html"
    context_object_name = "cases"
    paginate_by = CASELOAD_PAGE_SIZE

    @cached_property
    def keyworker(self):
        return self.request.user

    @cached_property
    def at(self):
        return selectors.caseload_at(keyworker_id=self.keyworker.pk)

    @cached_property
    def caseload_cases(self):
        # The cases without the rows' annotations: what the tab counts count, and what the list annotates.
        return selectors.caseload_cases(at=self.at)

    @cached_property
    def prepared_shape(self) -> dict | None:
        """The tab and sort asked for, when the prepared queries can answer: whenever nothing is searched for."""
        if not self.filterset.is_valid() or self.filterset.form.cleaned_data.get("search", "").strip():
            return None
        data = self.filterset.form.cleaned_data
        return {"tab": data.get("tab") or "", "sort": data.get("sort") or ""}

    def prepared_rows(self) -> PreparedPages | None:
        if self.prepared_shape is None:
            return None
        return PreparedPages(CASELOAD_PAGE, asdict(self.at), count=self.list_count,
                             page_size=self.get_paginate_by(None), **self.prepared_shape)

    def list_queryset(self):
        # Built once a request (its annotations cost more to build than to run).
        return selectors.caseload(at=self.at, cases=self.caseload_cases).order_by(*CASELOAD_ORDER)

    @cached_property
    def tab_counts(self) -> dict[str, int]:
        # The tab counts follow the search, whichever tab is open; they count the same cases without the rows'
        # annotations (selectors.caseload_cases), and without a filter set when nothing is searched for.
        search = self.request.GET.get("search", "")
        if not search.strip():
            [counts] = CASELOAD_TAB_COUNTS.rows(asdict(self.at))
            return counts
        searched = CaseloadFilter({"search": search}, queryset=self.caseload_cases, whole_caseload=True, at=self.at).qs
        return searched.aggregate(**{key: Count("id", filter=caseload_tab_condition(key, at=self.at))
                                     for key in CASELOAD_TABS})

    @property
    def list_count(self) -> int:
        # The list is one tab (or "All open": the three open ones) of the search the tab counts count: no count
        # query of its own (the same conditions, caseload_tab_condition and CaseloadFilter.filter_queryset).
        tab = self.filterset.form.cleaned_data.get("tab")
        return self.tab_counts[tab] if tab else sum(self.tab_counts[key] for key in OPEN_TABS)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if self.filterset.is_valid():
            paginator.count = self.list_count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.tab_counts
        today = self.at.today
        selectors.caseload_rows_complete(context["cases"], today=today)  # the columns contracts and referrals add
        for case in context["cases"]:
            case.url = case_link(case.pk)
            case.flag = selectors.caseload_flag(case, today=today)
            caseload_row_texts(case)
        query = self.request.GET.copy()
        tabs = []
        for key, (label, _) in CASELOAD_TABS.items():
            query["tab"] = key
            query.pop("page", None)
            tabs.append({"key": key, "label": label, "count": counts[key], "query": query.urlencode()})
        context.update(keyworker=self.keyworker, tabs=tabs, current_tab=self.request.GET.get("tab", ""),
                       own=self.keyworker.pk == self.request.user.pk)
        return context


def _day_month(value, *, weekday_time: bool = False) -> str:
    """The `date` template filter's "j M" (or with `weekday_time` "D j M H:i"), in Python without `date_format`
    (which looks the format up in the active language's format modules and builds a formatter: 200 calls a caseload
    page were a twentieth of its CPU). The day and month names are Django's own, translated as `date_format` does."""
    if value in (None, ""):
        return ""
    value = template_localtime(value)
    day_month = f"{value.day} {MONTHS_3[value.month].title()}"
    if not weekday_time:
        return day_month
    return f"{WEEKDAYS_ABBR[value.weekday()]} {day_month} {value.hour:02d}:{value.minute:02d}"


FLAG_TAG = {"red": "red", "amber": "yellow", "green": "green"}
# get_FOO_display rebuilds its field's choices on each call: 100 calls a caseload page.
ROUTE_LABELS, STATUS_LABELS = dict(Case.Route.choices), dict(Case.Status.choices)


def caseload_row_texts(case) -> None:
    """What a caseload row shows, worked out once in Python: the template then prints it. Its dozens of filters and
    conditions for each of 50 rows were a third of the page's CPU (python -m bench.profile)."""
    case.route_text = ROUTE_LABELS.get(case.route, case.route)
    case.status_text = STATUS_LABELS.get(case.status, case.status)
    case.week_of = (f"Week {case.week} of {case.contract_total_weeks}"
                    if case.week and case.status == Case.Status.ACTIVE else "")
    case.next_appointment_text = _day_month(case.next_appointment, weekday_time=True) or "None booked"
    case.last_contact_text = _day_month(case.last_contact) or "None yet"
    case.allocated_text = _day_month(case.allocated_at)
    case.closed_text = _day_month(case.closed_at)
    overdue, due = case.conditions_overdue, case.conditions_due
    parts = [format_html("<strong>{} overdue</strong>", overdue) if overdue else "", ", " if overdue and due else "",
             f"{int(due)} due this week" if due else "", "" if overdue or due else "None"]
    case.conditions_html = mark_safe("".join(parts))  # noqa: S308 - numbers and fixed words, the number escaped above
    if case.flag:
        case.flag_tag = FLAG_TAG.get(case.flag.colour, "green")
        case.flag_colour = capfirst(case.flag.colour)


class TeamCaseloadView(CaseloadView):
    """Another keyworker's caseload, read-only, for supervisors and the team manager."""

    permission_required = "accounts.view_team_performance"

    @cached_property
    def keyworker(self):
        keyworker = get_object_or_404(User, pk=self.kwargs["pk"], groups__name=Role.KEYWORKER)
        if not selectors.team_caseload_visible(user=self.request.user, keyworker=keyworker):
            raise PermissionDenied
        return keyworker


def _queue_cases(*, sort: str, **filters):
    filterset = AllocationQueueFilter({**filters, "sort": sort}, queryset=selectors.waiting_cases())
    assert filterset.is_valid(), filterset.errors  # noqa: S101 - the view passes only values its own filter set accepted
    return filterset.qs


def _queue_page(*, offset: int, limit: int, **shape):
    return _queue_cases(**shape)[offset:offset + limit]


def _queue_count(**shape):
    return aggregate_row(_queue_cases(**shape), count=Count("id"))


# The queue as it is filtered by its fixed choices, built and compiled once a process for each filter, sort and page
# (oocr/prepared.py); "waiting at least", which counts from now, through the ORM as usual.
QUEUE_PAGE = PreparedQuery(_queue_page)
QUEUE_COUNT = PreparedQuery(_queue_count)
QUEUE_SHAPE = ("area", "route", "flag", "sort")


class AllocationQueueView(RoleRequiredMixin, PreparedListMixin, FilterView):
    """Every case waiting for allocation, oldest first: supervisors allocate from it, the team manager reads it."""

    permission_required = "cases.view_team_cases"
    filterset_class = AllocationQueueFilter
    template_name = "keyworkers/allocation.html"
    context_object_name = "cases"
    paginate_by = 50

    def prepared_rows(self) -> PreparedPages | None:
        if not self.filterset_accepted:
            return None
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        if data.get("waited") or not self.request.user.has_perm(self.permission_required):
            return None
        shape = {name: data.get(name) or "" for name in QUEUE_SHAPE}
        [counted] = QUEUE_COUNT.rows({}, **shape)
        return PreparedPages(QUEUE_PAGE, {}, count=counted["count"], page_size=self.paginate_by, **shape)

    def list_queryset(self):
        return selectors.allocation_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        cases = list(context["cases"])
        selectors.offence_titles_add(cases)
        for case in cases:
            case.days_waiting = (now - case.submitted_at).days if case.submitted_at else 0
            case.url, case.allocate_url = case_link(case.pk), link("keyworkers:allocate", case.pk)
            case.route_text = ROUTE_LABELS.get(case.route, case.route)
        context["cases"] = cases
        context["may_allocate"] = self.request.user.has_perm("accounts.allocate_cases")
        context["reviews_due"] = selectors.allocation_reviews_due_count(user=self.request.user, today=timezone.localdate())
        return context


class AllocateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """The chooser: keyworkers with their load, the recommendation and its reasons."""

    permission_required = "accounts.allocate_cases"
    form_class = forms.AllocateForm
    template_name = "keyworkers/allocate.html"

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(self.case_queryset(), pk=self.kwargs["pk"])

    def case_queryset(self):
        return selectors.with_allocation_facts(selectors.allocation_cases(user=self.request.user))

    def dispatch(self, request, *args, **kwargs):
        # Someone else may have allocated it since the queue was loaded: say who, and go back.
        if request.user.has_perm(self.permission_required) and not self.case_still_choosable():
            messages.error(request, selectors.already_allocated_message(self.case))
            return redirect("keyworkers:allocation")
        return super().dispatch(request, *args, **kwargs)

    def case_still_choosable(self) -> bool:
        return self.case.status == Case.Status.AWAITING_ALLOCATION

    @cached_property
    def candidates(self) -> list:
        return selectors.keyworker_candidates(team=selectors.staff_team(self.request.user))

    @cached_property
    def recommendation(self):
        return recommend([selectors.as_candidate(c) for c in self.candidates], selectors.case_needs(self.case))

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "candidates": self.candidates}
        if self.recommendation:  # following the recommendation takes one click
            kwargs["initial"] = {"keyworker": self.recommendation.user_id}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            case=self.case, candidates=self.candidates, recommendation=self.recommendation,
            facts=selectors.allocation_case_facts(case=self.case), **kwargs
        )

    success_url = reverse_lazy("keyworkers:allocation")

    def perform(self, form):
        keyworker = User.objects.get(pk=form.cleaned_data["keyworker"])
        services.case_allocate(case_id=self.case.pk, keyworker=keyworker, user=self.request.user, note=form.cleaned_data["note"])
        messages.success(self.request, f"Case {self.case.number} allocated to {keyworker.get_full_name()}.")


class ReallocateView(AllocateView):
    form_class = forms.ReallocateForm
    template_name = "keyworkers/reallocate.html"

    def case_queryset(self):
        return selectors.with_allocation_facts(selectors.reallocation_cases(user=self.request.user))

    def case_still_choosable(self) -> bool:
        return True  # the queryset holds only cases that are with a keyworker

    @cached_property
    def current(self) -> Allocation | None:
        return self.case.allocations.filter(ended_at=None).select_related("keyworker").first()

    @cached_property
    def candidates(self) -> list:
        """The team's keyworkers but the one who has the case: they can be neither recommended nor chosen."""
        return selectors.keyworker_candidates(team=selectors.staff_team(self.request.user),
                                              excluding=self.current.keyworker if self.current else None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current=self.current, **kwargs)

    success_url = reverse_lazy("keyworkers:team")

    def perform(self, form):
        keyworker = User.objects.get(pk=form.cleaned_data["keyworker"])
        services.case_reallocate(
            case_id=self.case.pk, keyworker=keyworker, user=self.request.user,
            reason=form.cleaned_data["reason"], note=form.cleaned_data["end_note"],
        )
        messages.success(self.request, f"Case {self.case.number} reallocated to {keyworker.get_full_name()}.")


class BulkReallocateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A keyworker going on leave or leaving: a supervisor of their team moves several of their cases at once,
    each with its recommendation, one reason for all."""

    permission_required = "accounts.allocate_cases"
    form_class = forms.BulkReallocateForm
    template_name = "keyworkers/reallocate_bulk.html"

    @cached_property
    def keyworker(self):
        keyworker = get_object_or_404(User, pk=self.kwargs["pk"], groups__name=Role.KEYWORKER)
        if not selectors.team_caseload_visible(user=self.request.user, keyworker=keyworker):
            raise PermissionDenied
        return keyworker

    @cached_property
    def cases(self) -> list[Case]:
        return list(selectors.cases_held_by(user=self.request.user, keyworker=self.keyworker).order_by("submitted_at", "id"))

    @cached_property
    def candidates(self) -> list:
        return selectors.keyworker_candidates(team=selectors.staff_team(self.request.user), excluding=self.keyworker)

    @cached_property
    def recommendations(self) -> dict:
        return selectors.recommendations_for(self.cases, self.candidates)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cases": self.cases, "candidates": self.candidates,
                "recommendations": self.recommendations}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(keyworker=self.keyworker, candidates=self.candidates, **kwargs)
        names = {candidate.pk: candidate.get_full_name() for candidate in self.candidates}
        form = context["form"]
        context["rows"] = [
            {"case": case, "recommendation": self.recommendations.get(case.pk),
             "recommended_name": names.get(getattr(self.recommendations.get(case.pk), "user_id", None), ""),
             "field": form[f"keyworker_{case.pk}"],
             "checked": str(case.pk) in (form.data.getlist("cases") if form.is_bound else [])}
            for case in self.cases
        ]
        return context

    def get_success_url(self) -> str:
        return reverse("keyworkers:team")

    def perform(self, form):
        moves = form.moves()
        keyworkers = {user.pk: user for user in User.objects.filter(pk__in=set(moves.values()))}
        allocations = services.cases_reallocate_from(
            keyworker=self.keyworker, moves={case_id: keyworkers[user_id] for case_id, user_id in moves.items()},
            user=self.request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["end_note"],
        )
        messages.success(self.request, f"{len(allocations)} case{'s' if len(allocations) != 1 else ''} of "
                                       f"{self.keyworker.get_full_name()} reallocated.")


class AllocationReviewListView(RoleRequiredMixin, ListView):
    permission_required = "accounts.allocate_cases"
    template_name = "keyworkers/review_list.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        return selectors.allocation_reviews_due(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class AllocationReviewView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "accounts.allocate_cases"
    form_class = forms.AllocationReviewForm
    template_name = "keyworkers/review_form.html"
    success_url = reverse_lazy("keyworkers:reviews")

    @cached_property
    def review(self) -> AllocationReview:
        return get_object_or_404(selectors.allocation_reviews_not_made(user=self.request.user), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        # The allocation may have ended (reallocated, case closed) since the list was loaded: say so, and go back.
        if request.user.has_perm(self.permission_required) and self.review.allocation.ended_at:
            messages.error(request, selectors.review_ended_message(self.review))
            return redirect(self.success_url)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def perform(self, form):
        services.allocation_review_record(review_id=self.review.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Review of case {self.review.allocation.case.number} recorded.")


class TeamView(RoleRequiredMixin, TemplateView):
    """Each keyworker's load, case mix, overdue reviews and leave, for supervisors and the team manager."""

    permission_required = "accounts.view_team_performance"
    template_name = "keyworkers/team.html"

    def get_context_data(self, **kwargs):
        team = selectors.staff_team(self.request.user)
        keyworkers = selectors.keyworker_candidates(team=team)
        for keyworker in keyworkers:
            keyworker.caseload_url = link("keyworkers:team_caseload", keyworker.pk)
            keyworker.reallocate_url = link("keyworkers:reallocate_bulk", keyworker.pk)
            keyworker.profile_url = link("keyworkers:staff_profile", keyworker.pk)
        totals = {
            "open_cases": sum(k.open_cases for k in keyworkers),
            "over_capacity": sum(over_capacity(k.load) for k in keyworkers),
            "waiting": selectors.waiting_for_allocation_count(user=self.request.user),
        }
        user = self.request.user
        return super().get_context_data(team=team, keyworkers=keyworkers, totals=totals,
                                        may_allocate=user.has_perm("accounts.allocate_cases"),
                                        may_manage_staff=user.has_perm("keyworkers.manage_staff"), **kwargs)


class StaffProfileEditView(RoleRequiredMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    permission_required = "keyworkers.manage_staff"
    form_class = forms.StaffProfileForm
    template_name = "keyworkers/staffprofile_form.html"
    success_url = reverse_lazy("keyworkers:team")

    @cached_property
    def profile(self) -> StaffProfile:
        return get_object_or_404(selectors.staff_profiles_editable(user=self.request.user), user_id=self.kwargs["pk"])

    def versioned_record(self):
        return self.profile

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.profile}

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, **kwargs)

    def perform(self, form):
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        services.staff_profile_update(profile=self.profile, user=self.request.user, data=data, read_version=form.read_version)
        messages.success(self.request, f"{self.profile} updated.")
