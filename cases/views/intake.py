"""Intake: an ERO enters a crime page by page, checks eligibility and submits or closes the case; the submission
as its ERO sees it afterwards, and the offence catalogue's import."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, View
from django_filters.views import FilterView

from cases import eligibility, forms, selectors, services
from cases import sections as case_sections
from cases.filters import IntakeCaseFilter
from cases.models import Case, Person
from oocr.audit.services import access_log_record
from oocr.views import AccessLoggedMixin, CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin


# The sections of a submission, in the order the ERO fills them.
SECTIONS = [
    ("cases:intake_person", "Person"),
    ("cases:intake_crime", "Crime and officer in the case"),
    ("cases:intake_victims", "Victims"),
    ("cases:intake_questions", "Eligibility questions"),
]


class IntakeView(RoleRequiredMixin, FilterView):
    """The ERO's start page: their submissions, newest first, filterable."""

    permission_required = "cases.submit_case"
    filterset_class = IntakeCaseFilter
    template_name = "cases/intake.html"
    context_object_name = "cases"
    paginate_by = 25

    def get_queryset(self):
        return selectors.intake_case_list(user=self.request.user)


class IntakeStartView(RoleRequiredMixin, View):
    permission_required = "cases.submit_case"

    def post(self, request):
        case = services.case_draft_start(user=request.user)
        return redirect("cases:intake_person", pk=case.pk)


class IntakeStepMixin(RoleRequiredMixin, ServiceFormMixin):
    """One page of a draft submission; submitted cases are shown, not edited."""

    permission_required = "cases.submit_case"
    template_name = "cases/intake_step.html"
    section = ""

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(selectors.intake_case_list(user=self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if self.case.status != Case.Status.DRAFT:
            return redirect("cases:submission", pk=self.case.pk)
        return super().get(request, *args, **kwargs)

    @cached_property
    def open_cases(self) -> list[Case]:
        """The person's other cases still open: shown on every page once the person is recorded."""
        return selectors.person_open_cases(person_id=self.case.person_id, user=self.request.user, exclude_case_id=self.case.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, section=self.section, open_cases=self.open_cases, **kwargs)

    def get_success_url(self) -> str:
        if "later" in self.request.POST:
            messages.success(self.request, f"Your answers are saved. Case {self.case.number} is in your drafts.")
            return reverse("cases:intake")
        return reverse(self.next_url_name, args=[self.case.pk])

    def get_refused_url(self) -> str:
        return reverse("cases:submission", args=[self.case.pk])


class IntakePersonView(VersionedEditMixin, IntakeStepMixin, FormView):
    form_class = forms.PersonForm
    section = "Person"
    next_url_name = "cases:intake_crime"

    def versioned_record(self):
        return self.case.person

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "instance": self.case.person}
        if self.request.method == "POST":
            kwargs["candidates"] = self.candidates(forms.PersonForm(self.request.POST))
        return kwargs

    def candidates(self, form) -> list[Person]:
        """People on record who may be the one being entered: asked about before a new record is made, or when
        the PNC ID typed is on someone else's record."""
        form.is_valid()
        data = form.cleaned_data
        pnc_id = data.get("pnc_id", "")
        if self.case.person_id:
            return selectors.person_with_pnc_id(pnc_id=pnc_id, exclude_id=self.case.person_id)
        if not data.get("date_of_birth") or not data.get("last_name"):
            return []
        return selectors.person_candidates(
            first_names=data.get("first_names", ""), last_name=data["last_name"],
            date_of_birth=data["date_of_birth"], pnc_id=pnc_id,
        )

    def form_invalid(self, form):
        if form.candidates and set(form.errors) == {"match"} and "match_asked" not in self.request.POST:
            # Not a mistake: the first time possible matches are shown, the question has not been asked yet.
            form.errors.clear()
        return super().form_invalid(form)

    def perform(self, form):
        match = form.cleaned_data.get("match")
        existing = next((p for p in form.candidates if str(p.pk) == match), None)
        services.intake_person_save(case=self.case, user=self.request.user, data=form.person_data(), existing_person=existing,
                                    read_version=form.read_version)


class IntakeCrimeView(VersionedEditMixin, IntakeStepMixin, FormView):
    form_class = forms.CrimeForm
    section = "Crime and officer in the case"
    next_url_name = "cases:intake_victims"

    @cached_property
    def crime(self):
        return self.case.crimes.first()

    def versioned_record(self):
        return self.crime

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.crime}

    def conflict_initial(self, record) -> dict:
        offences = list(record.offences.order_by("pk"))
        return {**super().conflict_initial(record), **{f"offence_{n}": o.pk for n, o in enumerate(offences[:3], start=1)}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.has_error("reference", "duplicate_reference"):
            visible = selectors.intake_case_list(user=self.request.user)
            context["duplicate_case"] = visible.filter(crimes__reference=form.data.get("reference", "").strip().upper()).first()
        return context

    def perform(self, form):
        services.intake_crime_save(case=self.case, user=self.request.user, data=form.crime_data(), offences=form.offences(),
                                   read_version=form.read_version)


class IntakeVictimsView(CreateOnceMixin, IntakeStepMixin, FormView):
    form_class = forms.VictimForm
    template_name = "cases/intake_victims.html"
    section = "Victims"
    next_url_name = "cases:intake_questions"

    def get_context_data(self, **kwargs):
        crime = self.case.crimes.first()
        return super().get_context_data(victims=crime.victims.all() if crime else [], **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if "add_victim" not in request.POST and not form.has_changed():
            return redirect(self.get_success_url())  # nothing typed: carry on without adding a victim
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        services.intake_victim_add(case=self.case, user=self.request.user, data=form.cleaned_data)
        if "add_victim" in self.request.POST:
            self.next_url_name = "cases:intake_victims"


class IntakeVictimRemoveView(IntakeStepMixin, View):
    def get(self, request, *args, **kwargs):
        """A button on the victims page: a GET is refused (405), after the case is checked to be the user's (else 404)."""
        self.case  # noqa: B018 - raises 404 for someone else's draft
        return self.http_method_not_allowed(request, *args, **kwargs)

    def post(self, request, pk, victim_pk):
        services.intake_victim_remove(case=self.case, user=request.user, victim_id=victim_pk)
        return redirect("cases:intake_victims", pk=pk)


class IntakeQuestionsView(VersionedEditMixin, IntakeStepMixin, FormView):
    form_class = forms.QuestionsForm
    section = "Eligibility questions"
    next_url_name = "cases:intake_check"

    def versioned_record(self):
        return self.case

    def get_initial(self):
        return self.case.draft_answers

    def perform(self, form):
        services.intake_answers_save(case=self.case, user=self.request.user, answers=form.cleaned_data,
                                     read_version=form.read_version)


class IntakeCheckView(CreateOnceMixin, IntakeStepMixin, FormView):
    """Check your answers: every section, every rule's result, and the decision."""

    form_class = forms.DecisionForm
    template_name = "cases/intake_check.html"
    section = "Check your answers"

    @cached_property
    def preview(self) -> tuple[list, str]:
        """Each rule's result and the outcome, once the sections it needs are filled in."""
        return services.eligibility_preview(self.case) if self.sections_done() else ([], eligibility.NEEDS_ANSWERS)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcome": self.preview[1], "open_cases": self.open_cases}

    def sections_done(self) -> bool:
        return bool(self.case.person_id and self.case.crimes.exists() and self.case.draft_answers)

    def get_context_data(self, **kwargs):
        case = selectors.intake_case_detail_queryset(user=self.request.user).get(pk=self.case.pk)
        access_log_record(request=self.request, record=case, person_id=case.person_id)
        return super().get_context_data(
            summary=case, results=self.preview[0], outcome=self.preview[1], sections_done=self.sections_done(),
            failed_count=sum(result.outcome == eligibility.FAIL for result in self.preview[0]), **kwargs
        )

    def perform(self, form):
        assessment = services.intake_submit(
            case=self.case, user=self.request.user, decision=form.cleaned_data["decision"],
            route=form.cleaned_data.get("route", ""), override_reason=form.cleaned_data.get("override_reason", ""),
            open_case_confirmed=form.cleaned_data.get("open_case_confirmed", False),
        )
        self.next_url_name = "cases:intake_done"
        return assessment


class IntakeDoneView(RoleRequiredMixin, DetailView):
    permission_required = "cases.submit_case"
    template_name = "cases/intake_done.html"
    context_object_name = "case"

    def get_queryset(self):
        return selectors.intake_case_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        parts = case_sections.parts("intake_done", case=self.object, user=self.request.user, today=timezone.localdate())
        return super().get_context_data(parts=parts, **kwargs)


class CaseSubmissionView(RoleRequiredMixin, AccessLoggedMixin, DetailView):
    """A submission as its ERO sees it: the sections of a draft, or what was decided and why."""

    permission_required = "cases.submit_case"
    template_name = "cases/case_submission.html"
    context_object_name = "case"
    access_log_person_attr = "person_id"

    def get_queryset(self):
        return selectors.intake_case_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        case = self.object
        done = {
            "cases:intake_person": bool(case.person_id),
            "cases:intake_crime": bool(case.crimes.all()),
            "cases:intake_victims": bool(case.crimes.all()),
            "cases:intake_questions": bool(case.draft_answers),
        }
        steps = [(reverse(url, args=[case.pk]), label, done[url]) for url, label in SECTIONS]
        changes = selectors.case_changes(case=case, records=selectors.SUBMISSION_RECORDS, offences=False) if case.submitted_at else []
        parts = case_sections.parts("submission", case=case, user=self.request.user, today=timezone.localdate())
        return super().get_context_data(sections=steps, all_done=all(done.values()), parts=parts,
                                         rounds=case.returns.all(), own=case.created_by_id == self.request.user.pk,
                                         changes=changes, **kwargs)


class OffenceImportView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Administrators load or update the offence catalogue from a CSV file: every row or none."""

    permission_required = "cases.add_offence"
    form_class = forms.OffenceImportForm
    template_name = "cases/offence_import.html"

    def perform(self, form):
        try:
            created, updated = services.offence_import_csv(text=form.cleaned_data["file"])
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        messages.success(self.request, f"Offences imported: {created} added, {updated} updated.")

    def get_success_url(self) -> str:
        return reverse("cases:offence_import")
