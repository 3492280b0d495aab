"""Assessment pages: both needs assessments side by side with the distance travelled, the form for each, and
the keyworker's actions (safeguarding alerts, intelligence, new crime records)."""

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cases.views.case_page import CasePageMixin
from contracts import forms, selectors
from contracts.models import NeedsAssessment
from contracts.services.assessment import keyworker_action_record, needs_assessment_record
from contracts.services.states import assessments_open
from oocr.views import CreateOnceMixin, ServiceFormMixin, VersionedEditMixin


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
            open_kinds=assessments_open(self.case),
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
        assessment = needs_assessment_record(
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
        action = keyworker_action_record(case_id=self.case.pk, user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, f"{action.get_kind_display()} recorded.")

    def get_success_url(self) -> str:
        return reverse("contracts:assessment", args=[self.case.pk])
