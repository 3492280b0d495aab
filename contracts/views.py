"""Case work pages: the needs assessment and keyworker actions."""

from functools import cached_property

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator

from cases.models import Victim
from contracts.calendar import appointments_calendar
from keyworkers.selectors import calendar_feed_keyworker, calendar_token_of
from keyworkers.services import calendar_token_issue
from cases.views import CasePageMixin
from contracts import forms, selectors, services
from contracts.documents import contract_context, contract_pdf
from contracts.models import Condition, ConditionTemplate, Contract, NeedsAssessment
from oocr.audit.models import AccessLog
from oocr.audit.services import access_log_record
from oocr.errors import DomainError
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin


class CaseAssessmentView(CasePageMixin, TemplateView):
    """Both assessments side by side, and the distance travelled per domain."""

    template_name = "contracts/case_assessment.html"
    section = "assessment"

    def get_context_data(self, **kwargs):
        assessments = selectors.case_assessments(case=self.case)
        return super().get_context_data(
            baseline=assessments.get(NeedsAssessment.Kind.BASELINE),
            closing=assessments.get(NeedsAssessment.Kind.CLOSING),
            distance=selectors.distance_travelled(assessments),
            actions=selectors.case_keyworker_actions(case=self.case),
            open_kinds=services.assessments_open(self.case),
            **kwargs,
        )


class NeedsAssessmentFormView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.NeedsAssessmentForm
    template_name = "cases/case_form.html"
    section = "assessment"
    changes_case = True

    @property
    def kind(self) -> str:
        if self.kwargs["kind"] not in NeedsAssessment.Kind.values:
            raise Http404("No such assessment")
        return self.kwargs["kind"]

    @cached_property
    def assessment(self) -> NeedsAssessment | None:
        return selectors.case_assessments(case=self.case).get(self.kind)

    def versioned_record(self):
        return self.assessment

    def get_initial(self):
        return self.conflict_initial(self.assessment) if self.assessment else {}

    def conflict_initial(self, assessment) -> dict:
        initial = {field: getattr(assessment, field) for field in ("previous_offending", "offence_context", "strengths", "goals")}
        for score in assessment.scores.all():
            initial.update({f"score_{score.domain_id}": score.score, f"notes_{score.domain_id}": score.notes,
                            f"safeguarding_{score.domain_id}": score.safeguarding})
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=NeedsAssessment.Kind(self.kind).label, **kwargs)

    def perform(self, form):
        assessment = services.needs_assessment_record(
            case_id=self.case.pk, user=self.request.user, kind=self.kind,
            data=form.assessment_data(), scores=form.scores(), read_version=form.read_version,
        )
        messages.success(self.request, f"{assessment.get_kind_display()} saved.")
        if assessment.safeguarding:
            messages.warning(self.request, "You noted a safeguarding concern: raise a safeguarding alert now.")
            self.success_url = reverse("contracts:action_new", args=[self.case.pk]) + "?kind=safeguarding"

    def get_success_url(self) -> str:
        return getattr(self, "success_url", None) or reverse("contracts:assessment", args=[self.case.pk])


class KeyworkerActionView(CreateOnceMixin, CasePageMixin, ServiceFormMixin, FormView):
    form_class = forms.KeyworkerActionForm
    template_name = "cases/case_form.html"
    section = "assessment"
    changes_case = True

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Record a safeguarding alert, intelligence or crime record", **kwargs)

    def perform(self, form):
        action = services.keyworker_action_record(case_id=self.case.pk, user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, f"{action.get_kind_display()} recorded.")

    def get_success_url(self) -> str:
        return reverse("contracts:assessment", args=[self.case.pk])


class CaseContractView(CasePageMixin, TemplateView):
    """The contract: its conditions and their progress; while drafting, the library to build it from."""

    template_name = "contracts/case_contract.html"
    section = "contract"

    def get_context_data(self, **kwargs):
        contract = selectors.case_contract(case=self.case)
        today = timezone.localdate()
        return super().get_context_data(
            contract=contract,
            week=contract.week_on(today) if contract else None,
            templates=selectors.condition_templates() if contract and contract.status == Contract.Status.DRAFT else [],
            **kwargs,
        )


class ContractStartView(CasePageMixin, View):
    changes_case = True

    def post(self, request, pk):
        try:
            services.contract_draft_start(case_id=self.case.pk, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("contracts:contract", pk=self.case.pk)


class ContractStepMixin(CasePageMixin, ServiceFormMixin):
    template_name = "cases/case_form.html"
    section = "contract"
    changes_case = True
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def get_success_url(self) -> str:
        return reverse("contracts:contract", args=[self.case.pk])


class ConditionAddView(CreateOnceMixin, ContractStepMixin, FormView):
    form_class = forms.ConditionForm

    @cached_property
    def condition_template(self) -> ConditionTemplate | None:
        """The library template chosen, or None for a condition written from scratch; an id not in the library is not found."""
        chosen = self.request.GET.get("template", "")
        if not chosen:
            return None
        if not chosen.isdigit():
            raise Http404("No such condition template")
        return get_object_or_404(selectors.condition_templates(), pk=int(chosen))

    @property
    def title(self) -> str:
        if self.condition_template is None:
            return "Write your own condition"
        return f"{self.condition_template.get_kind_display()} condition: {self.condition_template.title.lower()}"

    def get_form_kwargs(self):
        victims = Victim.objects.filter(crime__case=self.case)
        return {**super().get_form_kwargs(), "template": self.condition_template, "victims": victims}

    def perform(self, form):
        services.condition_add(case_id=self.case.pk, user=self.request.user, template=self.condition_template,
                               data=form.cleaned_data)
        messages.success(self.request, "Condition added.")


class ConditionEditView(VersionedEditMixin, ContractStepMixin, FormView):
    """Change a condition of the draft, over the version read; once the contract is agreed it changes by variation."""

    form_class = forms.ConditionForm
    title = "Change a condition of the draft contract"

    @cached_property
    def condition(self) -> Condition:
        return get_object_or_404(selectors.draft_conditions(case=self.case), pk=self.kwargs["condition_pk"])

    def versioned_record(self):
        return self.condition

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "instance": self.condition, "template": self.condition.template, "submit_label": "Save changes",
                "victims": Victim.objects.filter(crime__case=self.case),
                "initial": {**kwargs.get("initial", {}), "kind": self.condition.kind}}

    def perform(self, form):
        services.condition_edit(case_id=self.case.pk, user=self.request.user, condition_id=self.condition.pk,
                                data=form.cleaned_data, read_version=form.read_version)
        messages.success(self.request, "Condition changed.")


class ConditionRemoveView(ContractStepMixin, FormView):
    """Asks first (which condition, and that it leaves the draft), then removes it from the draft."""

    form_class = forms.ConditionRemoveForm
    title = "Remove this condition from the draft?"

    @cached_property
    def condition(self) -> Condition:
        return get_object_or_404(selectors.draft_conditions(case=self.case), pk=self.kwargs["condition_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(intro=f"“{self.condition.description}” will no longer be on the draft contract.",
                                        **kwargs)

    def perform(self, form):
        services.condition_remove(case_id=self.case.pk, user=self.request.user, condition_id=self.kwargs["condition_pk"])
        messages.success(self.request, "Condition removed.")


class ContractSignView(VersionedEditMixin, ContractStepMixin, FormView):
    """Signed over the draft the keyworker read: a condition added or removed in the meantime is shown first."""

    form_class = forms.ContractSignForm
    title = "Record the person's agreement"

    def versioned_record(self):
        return Contract.objects.filter(case=self.case).first()

    def get(self, request, *args, **kwargs):
        if blocker := selectors.contract_sign_blocker(case=self.case):
            messages.error(request, blocker)  # said before anything is typed, not after
            return redirect("contracts:contract", self.case.pk)
        return super().get(request, *args, **kwargs)

    def conflict_rows(self, form, record) -> list[tuple[str, str]]:
        conditions = [f"{condition.get_kind_display()}: {condition.description}" for condition in record.conditions.all()]
        return [("Conditions of the draft now", "\n".join(conditions))]

    def perform(self, form):
        contract = services.contract_sign(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
                                          **form.cleaned_data)
        messages.success(self.request, f"Contract agreed: it runs to {contract.end_date:%-d %B %Y}.")


class ContractApproveView(CasePageMixin, View):
    permission_required = ("accounts.allocate_cases",)

    def has_permission(self):
        return super().has_permission() and self.supervises

    def post(self, request, pk):
        try:
            services.contract_approve(case_id=self.case.pk, user=request.user)
            messages.success(request, "Contract approved: the case is active.")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("contracts:contract", pk=self.case.pk)


class ContractDecideView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    """A supervisor of the team approves, refuses or returns a signed contract with comments, over the version read."""

    permission_required = ("accounts.allocate_cases",)
    form_class = forms.ContractDecisionForm
    template_name = "cases/case_form.html"
    section = "contract"

    def has_permission(self):
        return super().has_permission() and self.supervises

    @cached_property
    def contract(self) -> Contract:
        return get_object_or_404(Contract, case=self.case)

    def versioned_record(self):
        return self.contract

    def get(self, request, *args, **kwargs):
        # Another supervisor may have decided it since (or the keyworker not resubmitted it yet): say so, and go back.
        if self.contract.status != Contract.Status.AWAITING_APPROVAL:
            messages.error(request, f"This contract is {self.contract.get_status_display().lower()}, so it is not waiting "
                                    "for a decision. Nothing was changed.")
            return redirect("contracts:contract", pk=self.case.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Decide on the contract", **kwargs)

    def perform(self, form):
        contract = services.contract_decide(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
                                            **form.cleaned_data)
        messages.success(self.request, "Contract approved: the case is active." if contract.status == Contract.Status.ACTIVE
                         else "Contract sent back to the keyworker with your comments.")

    def get_success_url(self) -> str:
        return reverse("contracts:contract", args=[self.case.pk])


class ConditionProgressView(VersionedEditMixin, ContractStepMixin, FormView):
    form_class = forms.ConditionProgressForm
    title = "Record progress on a condition"

    def versioned_record(self):
        return self.condition

    @cached_property
    def condition(self) -> Condition:
        return get_object_or_404(Condition.objects.filter(contract__case=self.case), pk=self.kwargs["condition_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.condition}

    def get_context_data(self, **kwargs):
        condition = self.condition
        due = f"Due {condition.due_date:%-d %B %Y}." if condition.due_date else condition.recurrence
        return super().get_context_data(
            condition=condition, intro=f"{condition.get_kind_display()}: {condition.description}\n{due}", **kwargs,
        )

    def perform(self, form):
        services.condition_progress_record(case_id=self.case.pk, user=self.request.user, condition_id=self.condition.pk,
                                           read_version=form.read_version,
                                           **{f: form.cleaned_data[f] for f in ("status", "evidence", "hours_done")})
        messages.success(self.request, "Progress saved.")


class ContractDocumentView(CasePageMixin, TemplateView):
    """The contract as the person keeps it: printable, and as a PDF (each download logged as an export)."""

    template_name = "contracts/contract_print.html"
    section = "contract"

    @cached_property
    def contract(self) -> Contract:
        return get_object_or_404(Contract.objects.select_related("case__person"), case=self.case)

    def get(self, request, *args, **kwargs):
        if kwargs.get("format") == "pdf":
            access_log_record(request=request, record=self.case, kind=AccessLog.Kind.EXPORT, person_id=self.case.person_id,
                              justification="Contract document for the person")
            response = HttpResponse(contract_pdf(self.contract), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="contract-{self.case.number}.pdf"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**contract_context(self.contract), **kwargs)


class CaseContactsView(CasePageMixin, TemplateView):
    """Appointments and contacts, newest first, with the non-compliance decisions."""

    template_name = "contracts/case_contacts.html"
    section = "contacts"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contacts=selectors.case_contacts(case=self.case), non_compliance=selectors.case_non_compliance(case=self.case),
            now=timezone.now(), **kwargs,
        )


class ContactSteps(ContractStepMixin):
    section = "contacts"

    def get_success_url(self) -> str:
        return reverse("contracts:contacts", args=[self.case.pk])


class ContactNewView(CreateOnceMixin, ContactSteps, FormView):
    form_class = forms.ContactForm
    title = "Book an appointment or log a contact"

    def form_invalid(self, form):
        if form.has_error("time", "double_booking"):
            form.ask_to_confirm_clash()
        return super().form_invalid(form)

    def perform(self, form):
        contact = services.contact_record(case_id=self.case.pk, user=self.request.user, data=form.contact_data(),
                                          book_anyway=form.cleaned_data["book_anyway"])
        messages.success(self.request, "Appointment booked." if contact.is_booked else "Contact recorded.")


class ContactStep(VersionedEditMixin, ContactSteps):
    """A page about one of this case's appointments, edited over the version it was read at."""

    @cached_property
    def contact(self):
        """One of this case's appointments; another case's, or none, is not found."""
        return get_object_or_404(selectors.case_contacts(case=self.case), pk=self.kwargs["contact_pk"])

    def versioned_record(self):
        return self.contact

    def get_context_data(self, **kwargs):
        contact = self.contact
        when = f"{timezone.localtime(contact.starts_at):%-d %B %Y %H:%M}"
        return super().get_context_data(intro=f"{contact.get_type_display()} on {when}", **kwargs)


class ContactOutcomeView(ContactStep, FormView):
    form_class = forms.ContactOutcomeForm
    title = "Record the outcome of an appointment"

    def perform(self, form):
        contact = services.contact_outcome_record(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
                                                  read_version=form.read_version, **form.cleaned_data)
        messages.success(self.request, "Outcome recorded.")
        if contact.outcome == contact.Outcome.ABSENT_UNACCEPTABLE and self.case.status == "active":
            messages.warning(self.request, "A missed appointment: record your decision about it.")
            self.next_url = (reverse("contracts:non_compliance_new", args=[self.case.pk])
                             + f"?kind=missed_appointment&contact={contact.pk}")

    def get_success_url(self) -> str:
        return getattr(self, "next_url", None) or super().get_success_url()


class ContactRescheduleView(ContactStep, FormView):
    form_class = forms.ContactRescheduleForm
    title = "Move an appointment"

    def form_invalid(self, form):
        if form.has_error("time", "double_booking"):
            form.ask_to_confirm_clash()
        return super().form_invalid(form)

    def perform(self, form):
        contact, told = services.contact_reschedule(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
                                                    read_version=form.read_version, **form.service_data())
        moved = f"Appointment moved to {timezone.localtime(contact.starts_at):%-d %B %Y at %H:%M}."
        if told:
            messages.success(self.request, f"{moved} The person has been sent a message.")
        else:
            messages.warning(self.request, f"{moved} The person has no text or email to send it to: tell them yourself.")


class ContactCancelView(ContactStep, FormView):
    form_class = forms.ContactCancelForm
    title = "Cancel an appointment"

    def perform(self, form):
        _, told = services.contact_cancel(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
                                          read_version=form.read_version, **form.cleaned_data)
        messages.success(self.request, "Appointment cancelled." + (" The person has been sent a message." if told else ""))


class AppointmentsWithoutOutcomeView(RoleRequiredMixin, TemplateView):
    """A keyworker's past appointments whose outcome is not recorded yet, oldest first, each with its link."""

    permission_required = "accounts.hold_caseload"
    template_name = "contracts/appointments_without_outcome.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(appointments=selectors.appointments_without_outcome(user=self.request.user), **kwargs)


class NonComplianceNewView(CreateOnceMixin, ContactSteps, FormView):
    form_class = forms.NonComplianceForm
    title = "Record non-compliance and your decision"

    def get_initial(self):
        contact = self.request.GET.get("contact", "")
        return {"kind": self.request.GET.get("kind", ""), "occurred_on": timezone.localdate(),
                "contact": int(contact) if contact.isdigit() and len(contact) < 10 else None}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contacts": selectors.case_contacts(case=self.case).filter(cancelled_at=None),
                "conditions": selectors.conditions_to_vary(case=self.case)}

    def perform(self, form):
        event = services.non_compliance_record(case_id=self.case.pk, user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, "Decision recorded.")
        if event.response == event.Response.PROPOSE_BREACH:
            self.next_url = reverse("contracts:closure", args=[self.case.pk]) + "?result=breached"
        elif event.response == event.Response.EXTENSION:
            # The extension is proposed on its own page, its reason taken from this decision (not through the URL).
            self.next_url = reverse("contracts:variation_new", args=[self.case.pk]) + f"?non_compliance={event.pk}"

    def get_success_url(self) -> str:
        return getattr(self, "next_url", None) or super().get_success_url()


class ClosureProposeView(CreateOnceMixin, ContractStepMixin, FormView):
    form_class = forms.ClosureForm
    title = "Close the case"
    section = "overview"

    def get_initial(self):
        return {"result": self.request.GET.get("result", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": selectors.conditions_to_vary(case=self.case),
                "victim_updates_undone": services.victim_updates_undone_before_closure(case=self.case)}

    def perform(self, form):
        proposal = services.closure_propose(case_id=self.case.pk, user=self.request.user, **form.closure_data())
        if proposal.decision == proposal.Decision.PENDING:
            messages.success(self.request, f"{proposal.get_result_display()} proposed: a supervisor will decide.")
        else:
            messages.success(self.request, f"Case closed as {proposal.get_result_display().lower()}.")

    def get_success_url(self) -> str:
        return reverse("cases:case_detail", args=[self.case.pk])


class DecisionsView(RoleRequiredMixin, TemplateView):
    """For supervisors: closures to decide and contracts to approve."""

    permission_required = "accounts.allocate_cases"
    template_name = "contracts/decisions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.decisions_waiting(user=self.request.user), **kwargs)


class ClosureDecideView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A supervisor decides a proposal waiting for them (`waiting` names the list it comes from)."""

    permission_required = "accounts.allocate_cases"
    form_class = forms.SupervisorDecisionForm
    template_name = "contracts/closure_decide.html"
    success_url = reverse_lazy("contracts:decisions")
    waiting = "closures"

    @cached_property
    def proposal(self):
        return get_object_or_404(selectors.decisions_made_or_waiting(user=self.request.user)[self.waiting], pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        # Another supervisor may have decided it since the list was loaded: say who and when, and go back.
        if request.user.has_perm(self.permission_required) and self.proposal.decision != self.proposal.Decision.PENDING:
            messages.error(request, self.proposal.decided_message())
            return redirect(self.success_url)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(proposal=self.proposal, **kwargs)

    def perform(self, form):
        services.closure_decide(proposal_id=self.proposal.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Decision recorded on case {self.proposal.case.number}.")


class VariationDecideView(ClosureDecideView):
    template_name = "contracts/variation_decide.html"
    waiting = "variations"

    def perform(self, form):
        services.variation_decide(proposal_id=self.proposal.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Decision recorded on case {self.proposal.contract.case.number}.")


class VariationProposeView(CreateOnceMixin, ContractStepMixin, FormView):
    form_class = forms.VariationForm
    title = "Propose a variation or an extension"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": selectors.conditions_to_vary(case=self.case)}

    def get_initial(self):
        """Opened from a non-compliance decision to extend: an extension, its reason filled in from that decision."""
        chosen = self.request.GET.get("non_compliance", "")
        event = selectors.case_non_compliance(case=self.case).filter(pk=int(chosen)).first() if (
            chosen.isdigit() and len(chosen) < 10) else None
        return {"kind": "extension", "reason": selectors.non_compliance_summary(event)} if event else {}

    def perform(self, form):
        services.variation_propose(case_id=self.case.pk, user=self.request.user, **form.variation_data())
        messages.success(self.request, "Proposed: a supervisor will decide. The contract changes only when approved.")


class WeekView(RoleRequiredMixin, TemplateView):
    """A keyworker's appointments for a week, Monday to Sunday, and the private calendar address.

    Reading the page writes nothing: the address is issued, or renewed, only when the keyworker asks (POST).
    """

    permission_required = "accounts.hold_caseload"
    template_name = "contracts/week.html"

    def get_context_data(self, **kwargs):
        from datetime import date, datetime, time, timedelta

        today = timezone.localdate()
        try:
            day = date.fromisoformat(self.request.GET.get("start", ""))
        except ValueError:
            day = today
        if not date.min + timedelta(days=14) <= day <= date.max - timedelta(days=14):
            day = today  # a week whose neighbours cannot be dated (year 1, year 9999)
        monday = day - timedelta(days=day.weekday())
        start = timezone.make_aware(datetime.combine(monday, time.min))
        appointments = list(selectors.keyworker_appointments(keyworker=self.request.user, start=start, end=start + timedelta(days=7)))
        days = [(monday + timedelta(days=n), [a for a in appointments if timezone.localdate(a.starts_at) == monday + timedelta(days=n)])
                for n in range(7)]
        token = calendar_token_of(user=self.request.user)
        feed = self.request.build_absolute_uri(reverse("contracts:calendar_feed", args=[token])) if token else ""
        return super().get_context_data(days=days, monday=monday, previous=monday - timedelta(days=7),
                                        next=monday + timedelta(days=7), feed=feed, has_staff_profile=token is not None,
                                        **kwargs)

    def post(self, request):
        """Issue the private calendar address, or a new one: the old address stops working at once."""
        existing = calendar_token_of(user=request.user)
        if existing is None:
            raise Http404("No staff profile")
        calendar_token_issue(user=request.user, renew=True)
        messages.success(request, "Your calendar has a new address: the old one no longer works. Subscribe to the new one."
                         if existing else "Your calendar address is below. Subscribe to it in your work calendar.")
        return redirect(reverse("contracts:week") + "#calendar")


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The private .ics address: the token is the only key, so it is long, random and renewable."""

    def get(self, request, token):
        from datetime import timedelta

        keyworker = calendar_feed_keyworker(token=token)
        if keyworker is None:
            raise Http404
        now = timezone.now()
        appointments = selectors.keyworker_appointments(keyworker=keyworker, start=now - timedelta(days=30),
                                                        end=now + timedelta(days=120))
        return HttpResponse(appointments_calendar(appointments, name="OoCR appointments"), content_type="text/calendar")


class RemindersView(RoleRequiredMixin, TemplateView):
    """Administrators see the reminders job's recent runs and messages, and can run it now."""

    permission_required = "accounts.administer_service"
    template_name = "contracts/reminders.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.reminder_runs(), **kwargs)

    def post(self, request):
        from django.db import transaction

        from contracts.tasks import send_reminders

        transaction.on_commit(lambda: send_reminders.delay())
        messages.success(request, "The reminders job has been started for today. Nothing already sent is sent again.")
        return redirect("contracts:reminders")
