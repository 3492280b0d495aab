"""Variation pages: an extension or a change to a condition proposed, and the supervisor's decision on it."""

from django.contrib import messages
from django.views.generic import FormView

from contracts import forms, selectors
from contracts.services.variation import variation_decide, variation_propose
from contracts.views.closure import ClosureDecideView
from contracts.views.contract import ContractStepMixin
from oocr.views import CreateOnceMixin


class VariationDecideView(ClosureDecideView):
    template_name = "contracts/variation_decide.html"
    waiting = "variations"

    def perform(self, form):
        variation_decide(proposal_id=self.proposal.pk, user=self.request.user, **form.cleaned_data)
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
        variation_propose(case_id=self.case.pk, user=self.request.user, **form.variation_data())
        messages.success(self.request, "Proposed: a supervisor will decide. The contract changes only when approved.")
