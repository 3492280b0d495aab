"""Closure pages: a completion, breach or withdrawal proposed, the supervisor's list of decisions waiting, and
the decision on a closure."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, TemplateView

from contracts import forms, selectors
from contracts.services.closure import closure_decide, closure_propose, victim_updates_undone_before_closure
from contracts.views.contract import ContractStepMixin
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin


class ClosureProposeView(CreateOnceMixin, ContractStepMixin, FormView):
    form_class = forms.ClosureForm
    title = "Close the case"
    section = "overview"

    def get_initial(self):
        return {"result": self.request.GET.get("result", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": selectors.conditions_to_vary(case=self.case),
                "victim_updates_undone": victim_updates_undone_before_closure(case=self.case)}

    def perform(self, form):
        proposal = closure_propose(case_id=self.case.pk, user=self.request.user, **form.closure_data())
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
        closure_decide(proposal_id=self.proposal.pk, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Decision recorded on case {self.proposal.case.number}.")
