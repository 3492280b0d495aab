"""Contract pages: the draft and its conditions, the person's agreement, the supervisor's decision, progress on
each condition, and the contract document the person keeps."""

from functools import cached_property

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from cases.models import Victim
from cases.views.case_page import CasePageMixin
from contracts import forms, selectors
from contracts.documents import contract_context, contract_pdf
from contracts.models import Condition, ConditionTemplate, Contract
from contracts.services.contract import (
    condition_add, condition_edit, condition_progress_record, condition_remove, contract_approve, contract_decide,
    contract_draft_start, contract_sign,
)
from oocr.audit.models import AccessLog
from oocr.audit.services import access_log_record
from oocr.errors import DomainError
from oocr.views import CreateOnceMixin, ServiceFormMixin, VersionedEditMixin


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
            contract_draft_start(case_id=self.case.pk, user=request.user)
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
        condition_add(case_id=self.case.pk, user=self.request.user, template=self.condition_template,
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
        condition_edit(case_id=self.case.pk, user=self.request.user, condition_id=self.condition.pk,
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
        condition_remove(case_id=self.case.pk, user=self.request.user, condition_id=self.kwargs["condition_pk"])
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
        contract = contract_sign(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
                                 **form.cleaned_data)
        messages.success(self.request, f"Contract agreed: it runs to {contract.end_date:%-d %B %Y}.")


class ContractApproveView(CasePageMixin, View):
    permission_required = ("accounts.allocate_cases",)

    def has_permission(self):
        return super().has_permission() and self.supervises

    def post(self, request, pk):
        try:
            contract_approve(case_id=self.case.pk, user=request.user)
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
        contract = contract_decide(case_id=self.case.pk, user=self.request.user, read_version=form.read_version,
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
        condition_progress_record(case_id=self.case.pk, user=self.request.user, condition_id=self.condition.pk,
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
