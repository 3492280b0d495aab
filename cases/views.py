"""Intake: an ERO enters a crime page by page, checks eligibility and submits or closes the case."""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils import timezone
from django.views.generic import DetailView, FormView, TemplateView, View
from django_filters.views import FilterView

from cases import eligibility, forms, selectors, services
from cases.filters import IntakeCaseFilter
from cases.models import Case, Crime, FirstContact, Person, Victim
from oocr.audit.services import access_log_record
from oocr.concurrency.services import versions_total
from oocr.errors import DomainError
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
        from trials.selectors import trials_randomising_exist

        return super().get_context_data(trials_randomising=trials_randomising_exist(), **kwargs)


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
        sections = [(reverse(url, args=[case.pk]), label, done[url]) for url, label in SECTIONS]
        sensitive = selectors.case_sensitive_records(case=case) if case.status != Case.Status.DRAFT else None
        changes = selectors.case_changes(case=case, records=selectors.SUBMISSION_RECORDS, offences=False) if case.submitted_at else []
        from trials.selectors import trials_randomising_exist

        own = case.created_by_id == self.request.user.pk
        trials_randomising = own and case.status == Case.Status.AWAITING_ALLOCATION and trials_randomising_exist()
        return super().get_context_data(sections=sections, all_done=all(done.values()), sensitive=sensitive,
                                         rounds=case.returns.all(), own=own, trials_randomising=trials_randomising,
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


CASE_ACCESS_REASONS_SESSION_KEY = "case_access_reasons"


def case_access_reason_get(request, case_id: int) -> str | None:
    """The reason this session gave for opening a case outside the user's caseload or team, if it gave one."""
    return request.session.get(CASE_ACCESS_REASONS_SESSION_KEY, {}).get(str(case_id))


class CasePageMixin(RoleRequiredMixin):
    """A page of a case record: for its keyworker, supervisors and the team manager.

    Every view is written to the access log. Pages that change the case
    (`changes_case`) are for the keyworker who holds it: others read it.
    """

    permission_required = ("accounts.hold_caseload", "accounts.view_team_performance")
    section = "overview"
    changes_case = False

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(selectors.case_detail_queryset(user=self.request.user), pk=self.kwargs["pk"])

    @cached_property
    def held(self) -> bool:
        return selectors.case_is_held_by(self.case, self.request.user)

    @cached_property
    def outside_team(self) -> bool:
        return selectors.case_access_needs_reason(case=self.case, user=self.request.user)

    @cached_property
    def supervises(self) -> bool:
        """A supervisor of the team holding the case: approvals, decisions and reallocation are theirs to make."""
        return self.request.user.has_perm("accounts.allocate_cases") and not self.outside_team

    def has_permission(self):
        allowed = any(self.request.user.has_perm(permission) for permission in self.get_permission_required())
        return allowed and (not self.changes_case or self.held)

    def dispatch(self, request, *args, **kwargs):
        # Outside one's caseload or team: a reason first, remembered for the session (case_access_reason_get).
        if (request.user.is_authenticated and self.has_permission() and case_access_reason_get(request, self.kwargs["pk"]) is None
                and self.outside_team):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('cases:case_access_reason', args=[self.case.pk])}?{query}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        access_log_record(request=self.request, record=self.case, person_id=self.case.person_id,
                          justification=case_access_reason_get(self.request, self.case.pk) or "")
        return super().get_context_data(**{"case": self.case, "held": self.held, "supervises": self.supervises,
                                           "section": self.section, **kwargs})

    def get_success_url(self) -> str:
        return reverse("cases:case_detail", args=[self.case.pk])


class CaseAccessReasonView(RoleRequiredMixin, FormView):
    """Asked before opening a case outside one's caseload or team; the reason goes with every view in this session."""

    permission_required = "cases.view_team_cases"
    form_class = forms.CaseAccessReasonForm
    template_name = "cases/case_access_reason.html"

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(selectors.case_detail_queryset(user=self.request.user), pk=self.kwargs["pk"])

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        detail = reverse("cases:case_detail", args=[self.case.pk])
        # Only back to a page of this case.
        return url if url.startswith(detail) and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else detail

    def get_context_data(self, **kwargs):
        # Only the case number: nothing about the person is shown until a reason is given.
        return super().get_context_data(case_number=self.case.number, next=self.next_url(), **kwargs)

    def form_valid(self, form):
        reasons = self.request.session.get(CASE_ACCESS_REASONS_SESSION_KEY, {})
        reasons[str(self.case.pk)] = form.justification()
        self.request.session[CASE_ACCESS_REASONS_SESSION_KEY] = reasons
        return redirect(self.next_url())


class CaseDetailView(CasePageMixin, TemplateView):
    """The overview: who, what, what to do next, and the latest of the timeline."""

    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        from contracts.selectors import pending_closure  # contracts and referrals build on cases: import late
        from referrals.selectors import case_referrals_overdue

        return super().get_context_data(
            recent_events=selectors.case_timeline(case=self.case)[:5], pending_closure=pending_closure(case=self.case),
            referrals_overdue=case_referrals_overdue(case=self.case, today=timezone.localdate()),
            rounds=self.case.returns.select_related("by"),
            victims_code_late=[item for item in selectors.victims_code_items(case=self.case) if item.is_late(timezone.localdate())],
            **kwargs,
        )


class CaseHistoryView(CasePageMixin, TemplateView):
    """The whole timeline, filterable by kind, and who has held the case."""

    template_name = "cases/case_history.html"
    section = "history"

    def get_context_data(self, **kwargs):
        group = self.request.GET.get("kind", "")
        return super().get_context_data(
            events=selectors.case_timeline(case=self.case, group=group), groups=selectors.CASE_EVENT_GROUPS,
            current_group=group, **kwargs,
        )


class CaseChangesView(CasePageMixin, TemplateView):
    """Who changed what, when, on the person, the case and its records (the change history)."""

    template_name = "cases/case_changes.html"
    section = "history"

    def get_context_data(self, **kwargs):
        return super().get_context_data(changes=selectors.case_changes(case=self.case), **kwargs)


class CaseVictimView(CasePageMixin, TemplateView):
    """Victims, their views, every contact with them, and the Victims' Code checkpoints."""

    template_name = "cases/case_victim.html"
    section = "victim"

    def get_context_data(self, **kwargs):
        return super().get_context_data(victims=selectors.victims_codes(case=self.case, today=timezone.localdate()),
                                        may_record=self.held or selectors.case_closure_update_owed_by(self.case, self.request.user),
                                        **kwargs)


class VictimContactView(CasePageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    """A contact is a new record (one-time token); what the victim said updates their record, over the versions read."""

    form_class = forms.VictimContactForm
    template_name = "cases/case_form.html"
    section = "victim"

    def has_permission(self):
        # The holder; and, once the case has closed, the keyworker who held it last, to record the update on closure.
        return super().has_permission() and (self.held or selectors.case_closure_update_owed_by(self.case, self.request.user))

    @cached_property
    def victims(self):
        return Victim.objects.filter(crime__case=self.case)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "victims": self.victims, "record_version": versions_total(self.victims)}

    def conflict_initial(self, record) -> dict:
        return {"victim": record.pk, "view": record.view, "restorative_consent": record.restorative_consent}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Record a contact with a victim", **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        victim_id, view, consent = data.pop("victim"), data.pop("view"), data.pop("restorative_consent")
        services.victim_contact_record(case_id=self.case.pk, user=self.request.user, victim_id=victim_id, data=data,
                                       view=view, restorative_consent=consent, read_version=form.read_version)
        messages.success(self.request, "Contact with the victim recorded.")

    def get_success_url(self) -> str:
        return reverse("cases:case_victim", args=[self.case.pk])


class FirstContactView(CasePageMixin, ServiceFormMixin, FormView):
    form_class = forms.FirstContactForm
    template_name = "cases/case_form.html"
    section = "overview"
    changes_case = True
    title = "Record first contact"

    def perform(self, form):
        first_contact = services.case_first_contact_record(case_id=self.case.pk, user=self.request.user, **form.cleaned_data)
        if first_contact.answer == FirstContact.Answer.ACCEPTED:
            messages.success(self.request, "Consent recorded. Next: the needs assessment.")
        else:
            messages.success(self.request, "Case closed as declined. The officer in the case is being emailed to proceed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class FirstContactCorrectView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    """Correct the first contact while the case is in assessment (the step locks when the contract is agreed)."""

    form_class = forms.FirstContactCorrectForm
    template_name = "cases/case_form.html"
    section = "overview"
    changes_case = True
    title = "Correct the first contact"

    def versioned_record(self):
        return self.first_contact

    @cached_property
    def first_contact(self) -> FirstContact:
        return get_object_or_404(FirstContact.objects.filter(case=self.case, case__status=Case.Status.ASSESSMENT))

    def get_initial(self):
        return {"offered_on": self.first_contact.offered_on, "method": self.first_contact.method,
                "notes": self.first_contact.notes}

    def perform(self, form):
        services.case_first_contact_correct(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
                                            **form.cleaned_data)
        messages.success(self.request, "First contact corrected.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class PersonRemindersView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.PersonRemindersForm
    template_name = "cases/case_form.html"
    section = "contacts"
    changes_case = True
    title = "Reminders to the person"

    def versioned_record(self):
        return self.case.person

    def get_initial(self):
        return {"reminders_by": self.case.person.reminders_by}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form):
        person = services.person_reminders_set(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
                                               **form.cleaned_data)
        messages.success(self.request, f"Reminders to the person: {person.get_reminders_by_display().lower()}.")

    def get_success_url(self) -> str:
        return reverse("contracts:contacts", args=[self.case.pk])


# --- Corrections with a trail; deleting and withdrawing one's own submission; sending it back (issue 16) ----------


class SubmissionPageMixin(RoleRequiredMixin):
    """A page acting on a submission the user may see (an officer's own; every one for an administrator)."""

    permission_required = "cases.submit_case"
    template_name = "cases/submission_form.html"

    @cached_property
    def case(self) -> Case:
        return get_object_or_404(selectors.intake_case_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, title=self.title, **kwargs)

    def get_success_url(self) -> str:
        return reverse("cases:submission", args=[self.case.pk])


class OfficerCorrectionAccess(SubmissionPageMixin):
    """The officer corrects their submission while it waits for allocation; after, the keyworker and supervisors do."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and self.case.status != Case.Status.AWAITING_ALLOCATION:
            messages.error(request, f"Case {self.case.number} is {self.case.get_status_display().lower()}: it can be corrected "
                                    "here only while it waits for allocation." + (" Use its draft pages." if self.case.status == Case.Status.DRAFT else ""))
            return redirect("cases:submission", pk=self.case.pk)
        return super().dispatch(request, *args, **kwargs)


class CaseCorrectionAccess(CasePageMixin):
    """The keyworker holding the case, or a supervisor of its team, corrects it while it is open."""

    template_name = "cases/case_form.html"

    def has_permission(self):
        allowed = any(self.request.user.has_perm(permission) for permission in self.get_permission_required())
        return allowed and (self.held or self.supervises) and self.case.status in Case.OPEN

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class CorrectionMixin(VersionedEditMixin, ServiceFormMixin):
    """Edits a record of the case over the version read, with a reason; says what the eligibility check made of it."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.versioned_record()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            intro="Every correction is kept in the case's history with who made it, when, what it was before and after, "
                  "and your reason. A change to what the eligibility rules read checks the case again.", **kwargs)

    def perform(self, form):
        summary = self.correct(form)
        messages.success(self.request, "Correction saved." + (f" {summary}" if summary else ""))


class PersonCorrection(CorrectionMixin):
    form_class = forms.PersonCorrectionForm
    title = "Correct the person's contact details"

    def versioned_record(self):
        return self.case.person

    def correct(self, form) -> str:
        return services.person_correct(case_id=self.case.pk, user=self.request.user, data=form.person_data(),
                                       reason=form.cleaned_data["reason"], read_version=form.read_version)


class IdentityCorrection(CorrectionMixin):
    form_class = forms.PersonIdentityCorrectionForm
    title = "Correct the person's name, date of birth or PNC ID"

    def versioned_record(self):
        return self.case.person

    def correct(self, form) -> str:
        return services.person_identity_correct(case_id=self.case.pk, user=self.request.user, data=form.identity_data(),
                                                reason=form.cleaned_data["reason"], read_version=form.read_version)


class CrimeCorrection(CorrectionMixin):
    form_class = forms.CrimeCorrectionForm
    title = "Correct the crime"

    @cached_property
    def crime(self):
        return get_object_or_404(Crime, case=self.case)

    def versioned_record(self):
        return self.crime

    def conflict_initial(self, record) -> dict:
        offences = list(record.offences.order_by("pk"))
        return {**super().conflict_initial(record), **{f"offence_{n}": o.pk for n, o in enumerate(offences[:3], start=1)}}

    def correct(self, form) -> str:
        return services.crime_correct(case_id=self.case.pk, user=self.request.user, data=form.crime_data(),
                                      offences=form.offences(), reason=form.cleaned_data["reason"],
                                      read_version=form.read_version)


class VictimCorrection(CorrectionMixin):
    form_class = forms.VictimCorrectionForm
    title = "Correct a victim's details"

    @cached_property
    def victim(self):
        return get_object_or_404(Victim, pk=self.kwargs["victim_pk"], crime__case=self.case)

    def versioned_record(self):
        return self.victim

    def correct(self, form) -> str:
        return services.victim_correct(case_id=self.case.pk, user=self.request.user, victim_id=self.victim.pk,
                                       data=form.victim_data(), reason=form.cleaned_data["reason"],
                                       read_version=form.read_version)


class VictimAddition(CreateOnceMixin, ServiceFormMixin):
    """A victim missed when the case was entered: a new record (one-time token), with a reason."""

    form_class = forms.VictimCorrectionForm
    title = "Add a victim missed at submission"

    def get_context_data(self, **kwargs):
        return super().get_context_data(intro="The victim is added to the case's history with who added them, when and "
                                              "your reason.", **kwargs)

    def perform(self, form):
        victim = services.victim_add(case_id=self.case.pk, user=self.request.user, data=form.victim_data(),
                                     reason=form.cleaned_data["reason"])
        messages.success(self.request, f"Victim {victim.name} added.")


class SubmissionVictimAddView(VictimAddition, OfficerCorrectionAccess, FormView):
    pass


class CaseVictimAddView(VictimAddition, CaseCorrectionAccess, FormView):
    section = "victim"

    def get_success_url(self) -> str:
        return reverse("cases:case_victim", args=[self.case.pk])


class SubmissionPersonCorrectView(PersonCorrection, OfficerCorrectionAccess, FormView):
    pass


class SubmissionCrimeCorrectView(CrimeCorrection, OfficerCorrectionAccess, FormView):
    pass


class SubmissionIdentityCorrectView(IdentityCorrection, OfficerCorrectionAccess, FormView):
    pass


class CaseIdentityCorrectView(IdentityCorrection, CaseCorrectionAccess, FormView):
    section = "overview"


class SubmissionVictimCorrectView(VictimCorrection, OfficerCorrectionAccess, FormView):
    pass


class CasePersonCorrectView(PersonCorrection, CaseCorrectionAccess, FormView):
    section = "overview"


class CaseCrimeCorrectView(CrimeCorrection, CaseCorrectionAccess, FormView):
    section = "overview"


class CaseVictimCorrectView(VictimCorrection, CaseCorrectionAccess, FormView):
    section = "victim"

    def get_success_url(self) -> str:
        return reverse("cases:case_victim", args=[self.case.pk])


class DraftDeleteView(SubmissionPageMixin, TemplateView):
    """Asks first; a POST deletes the officer's own draft, never submitted."""

    template_name = "cases/draft_delete.html"
    title = "Delete this draft?"

    def post(self, request, pk):
        try:
            services.case_draft_delete(case_id=self.case.pk, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("cases:submission", pk=self.case.pk)
        messages.success(request, f"Draft {self.case.number} deleted.")
        return redirect("cases:intake")


class SubmissionWithdrawView(SubmissionPageMixin, ServiceFormMixin, FormView):
    """The officer takes back their own submission before allocation, with a coded reason."""

    form_class = forms.SubmissionWithdrawForm
    title = "Withdraw this submission"

    def perform(self, form):
        services.case_submission_withdraw(case_id=self.case.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Case {self.case.number} withdrawn.")


class SubmissionSendBackView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A supervisor returns a submission waiting for allocation to its officer, or refuses its override, with reasons."""

    permission_required = "accounts.allocate_cases"
    form_class = forms.SendBackForm
    template_name = "cases/send_back.html"
    success_url = reverse_lazy("keyworkers:allocation")

    @cached_property
    def case(self) -> Case:
        from keyworkers.selectors import allocation_cases  # keyworkers builds on cases: import late

        return get_object_or_404(allocation_cases(user=self.request.user).prefetch_related("eligibility_assessments"),
                                 pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        # Another supervisor may have allocated or sent it back since the queue was loaded: say so, and go back.
        if self.case.status != Case.Status.AWAITING_ALLOCATION:
            messages.error(request, f"Case {self.case.number} is {self.case.get_status_display().lower()}, so it cannot be "
                                    "sent back. Nothing was changed.")
            return redirect("keyworkers:allocation")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "override": bool(self.case.override_reason)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, rounds=self.case.returns.select_related("by"), **kwargs)

    def perform(self, form):
        round_ = services.submission_send_back(case_id=self.case.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Case {self.case.number}: {round_.get_kind_display().lower()}. The officer has been told.")
SEARCH_SESSION_KEY = "case_search"
# A search the form refused, kept for the one page the refusal redirects to: shown again in the box with its error.
SEARCH_REJECTED_SESSION_KEY = "case_search_rejected"
SEARCH_REJECTED_KEPT = 200  # characters of it kept: over the form's 100, so too long a search is still refused
SEARCH_PERMISSIONS = ("cases.view_team_cases", "accounts.hold_caseload", "cases.submit_case", "cases.view_all_submissions")


class CaseSearchView(RoleRequiredMixin, FormView):
    """One box, in the header of every page: find a case by name, date of birth, case number, crime reference or PNC ID.

    The box posts, and the page the post redirects to shows the results of the search kept in the session: a name
    typed there is personal data, and a GET form would put it in the address, the browser's history, the server's
    and any proxy's access logs and the Referer of the next page. The results page's own address holds nothing.
    """

    permission_required = SEARCH_PERMISSIONS
    form_class = forms.CaseSearchForm
    template_name = "cases/search.html"

    def has_permission(self):
        return any(self.request.user.has_perm(permission) for permission in self.get_permission_required())

    rejected = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            session = self.request.session
            if SEARCH_REJECTED_SESSION_KEY in session:  # refused: typed again in the box, with why, once
                self.rejected = True
                kwargs["data"] = {"q": session.pop(SEARCH_REJECTED_SESSION_KEY)}
            elif session.get(SEARCH_SESSION_KEY):
                kwargs["data"] = {"q": session[SEARCH_SESSION_KEY]}  # the search kept: shown with its results
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        results = None
        if form.is_bound and form.is_valid():
            terms = selectors.search_terms(**form.parts)
            results = selectors.case_search(user=request.user, terms=terms)
        elif form.is_bound and not self.rejected:
            form = self.form_class()  # a kept search no longer valid: an empty box, no error before anything is typed
        return self.render_to_response(self.get_context_data(form=form, results=results))

    def form_valid(self, form):
        self.request.session.pop(SEARCH_REJECTED_SESSION_KEY, None)
        self.request.session[SEARCH_SESSION_KEY] = form.cleaned_data["q"]
        return redirect("cases:search")

    def form_invalid(self, form):
        """Post, redirect, get, for a refusal too: the box in the header of any page posts here, and the page a
        refusal lands on must survive a refresh or Back. What was typed comes back in the box, with the error."""
        typed = self.request.POST.get("q", "")
        self.request.session.pop(SEARCH_SESSION_KEY, None)  # the results of the search before are not this one's
        self.request.session[SEARCH_REJECTED_SESSION_KEY] = typed[:SEARCH_REJECTED_KEPT]
        return redirect("cases:search")
