"""Corrections with a trail (issue 16); deleting and withdrawing one's own submission; a supervisor sending it back."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, TemplateView

from cases import forms, selectors, services
from cases.models import Case, Crime, Victim
from cases.views.case_page import CasePageMixin
from oocr.errors import DomainError
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin


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
        return get_object_or_404(selectors.submitted_cases(user=self.request.user).prefetch_related("eligibility_assessments"),
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
