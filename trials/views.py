"""Pages of the trials app: set-up for the trial manager, randomisation at intake for the officer.

Every set-up change, randomisation, exclusion, crossover and export is written to the access log (kind
"changed" or "exported") in the same transaction as the change. No page shows the seed, the sequence or the next arm.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from cases.models import Case
from oocr.audit.models import AccessLog
from oocr.audit.services import access_log_record, access_log_report_export
from oocr.csv_export import csv_writer
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin
from trials import forms, selectors, services
from trials.models import Allocation, Trial
from evaluation.selectors import measure_choices, measure_chosen
from evaluation import disclosure

MANAGE = "trials.manage_trial"


def audit_change(request, record, *, person_id=None) -> None:
    access_log_record(request=request, record=record, kind=AccessLog.Kind.CHANGE, person_id=person_id)


class TrialListView(RoleRequiredMixin, ListView):
    permission_required = MANAGE
    template_name = "trials/trial_list.html"
    context_object_name = "trials"

    def get_queryset(self):
        return selectors.trial_list()


class TrialMixin(RoleRequiredMixin):
    permission_required = MANAGE

    @cached_property
    def trial(self) -> Trial:
        try:
            return selectors.trial_detail(pk=self.kwargs["pk"])
        except Trial.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(trial=self.trial, **kwargs)


class TrialDetailView(TrialMixin, TemplateView):
    template_name = "trials/trial_detail.html"

    def get_context_data(self, **kwargs):
        rows = selectors.allocation_rows(trial=self.trial)
        received, known, rate = selectors.treatment_as_assigned(rows)
        arms = [(arm, sum(1 for row in rows if row.allocation.arm_id == arm.pk)) for arm in self.trial.arms.all()]
        return super().get_context_data(rows=rows, arms=arms, received=received, known=known, rate=rate, **kwargs)


class TrialFormView(RoleRequiredMixin, VersionedEditMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    """Set up a trial, or change one still being set up."""

    permission_required = MANAGE
    form_class = forms.TrialForm
    template_name = "trials/trial_form.html"

    @cached_property
    def trial(self) -> Trial:
        if "pk" not in self.kwargs:
            return Trial()
        return get_object_or_404(selectors.trials_all(), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(MANAGE) and self.trial.pk and self.trial.status != Trial.Status.DRAFT:
            messages.error(request, f"The trial {self.trial.name} has started, so it cannot be changed: it can only be stopped.")
            return redirect("trials:detail", self.trial.pk)
        return super().dispatch(request, *args, **kwargs)

    def versioned_record(self):
        return self.trial

    def creates_record(self) -> bool:
        return not self.trial.pk

    def get_initial(self):
        if self.trial.pk:
            return forms.TrialForm.initial_of(self.trial)
        return {"mode": Trial.Mode.TEST, "algorithm": Trial.Algorithm.PERMUTED_BLOCKS, "block_multiples": ["1", "2", "3"],
                "treatment_ratio": 1, "control_ratio": 1, "minimisation_probability": "0.80", "treatment_window_days": 28}

    def conflict_initial(self, record) -> dict:
        return forms.TrialForm.initial_of(record)

    def perform(self, form):
        data, arms = form.service_data()
        if self.trial.pk:
            trial = services.trial_update(trial_id=self.trial.pk, user=self.request.user, data=data, arms=arms,
                                          read_version=form.read_version)
        else:
            trial = services.trial_create(user=self.request.user, data=data, arms=arms)
        audit_change(self.request, trial)
        self.saved = trial
        messages.success(self.request, f"{trial.name} saved.")

    def get_success_url(self) -> str:
        return reverse("trials:detail", args=[self.saved.pk])

    def get_refused_url(self) -> str:
        return self.request.path

    def get_context_data(self, **kwargs):
        return super().get_context_data(trial=self.trial, **kwargs)


class TrialStartView(TrialMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.TrialStartForm
    template_name = "trials/trial_start.html"

    def versioned_record(self):
        return self.trial

    def perform(self, form):
        trial = services.trial_start(trial_id=self.trial.pk, user=self.request.user, read_version=form.read_version)
        audit_change(self.request, trial)
        messages.success(self.request, f"{trial.name} has started. Publish the sequence's SHA-256 with the protocol.")

    def get_success_url(self) -> str:
        return reverse("trials:detail", args=[self.trial.pk])


class TrialStopView(TrialMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.TrialStopForm
    template_name = "trials/trial_stop.html"

    def versioned_record(self):
        return self.trial

    def perform(self, form):
        trial = services.trial_stop(trial_id=self.trial.pk, user=self.request.user, reason=form.cleaned_data["reason"],
                                    read_version=form.read_version)
        audit_change(self.request, trial)
        messages.success(self.request, f"{trial.name} has stopped: nobody more can be randomised.")

    def get_success_url(self) -> str:
        return reverse("trials:detail", args=[self.trial.pk])


class AllocationMixin(TrialMixin):
    @cached_property
    def allocation(self) -> Allocation:
        try:
            return selectors.allocation_for_manager(trial=self.trial, pk=self.kwargs["allocation_pk"])
        except Allocation.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(allocation=self.allocation, **kwargs)

    def get_success_url(self) -> str:
        return reverse("trials:detail", args=[self.trial.pk])


class ExclusionView(AllocationMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.ExclusionForm
    template_name = "trials/exclusion_form.html"

    def perform(self, form):
        exclusion = services.allocation_exclude(allocation_id=self.allocation.pk, user=self.request.user,
                                                reason=form.cleaned_data["reason"], details=form.cleaned_data["details"])
        audit_change(self.request, exclusion, person_id=self.allocation.person_id)
        messages.success(self.request, f"Randomisation {self.allocation.number} excluded: {exclusion.get_reason_display().lower()}.")


class CrossoverView(AllocationMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.CrossoverForm
    template_name = "trials/crossover_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "arms": self.trial.arms.exclude(pk=self.allocation.arm_id)}

    def perform(self, form):
        crossover = services.allocation_crossover_record(allocation_id=self.allocation.pk, user=self.request.user,
                                                         received_arm_id=form.cleaned_data["received_arm"],
                                                         reason=form.cleaned_data["reason"])
        audit_change(self.request, crossover, person_id=self.allocation.person_id)
        messages.success(self.request, f"Randomisation {self.allocation.number}: crossover recorded.")


class RandomiseView(RoleRequiredMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    """The officer randomises their own submission once eligibility, consent and baseline are locked (submitted)."""

    permission_required = "cases.submit_case"
    form_class = forms.RandomiseForm
    template_name = "trials/randomise.html"

    @cached_property
    def case(self) -> Case:
        try:
            return selectors.case_for_officer(user=self.request.user, pk=self.kwargs["pk"])
        except Case.DoesNotExist:
            raise Http404 from None

    @cached_property
    def all_offers(self):
        return selectors.trials_for_case(case=self.case)

    @cached_property
    def offers(self):
        """Running trials the case has not been randomised in."""
        done = {allocation.trial_id for allocation in selectors.case_allocations(case=self.case)}
        return [offer for offer in self.all_offers if offer.trial.pk not in done]

    def get_form_kwargs(self):
        # Every eligible trial may be posted, so that a second tab's post is told of the allocation made in the first.
        eligible = [offer.trial for offer in self.all_offers if offer.eligible]
        shown = [offer.trial for offer in self.offers if offer.eligible]
        return {**super().get_form_kwargs(), "trials": eligible, "shown": shown}

    def get_context_data(self, **kwargs):
        allocations = list(selectors.case_allocations(case=self.case))
        locked = self.case.status == Case.Status.AWAITING_ALLOCATION
        return super().get_context_data(case=self.case, offers=self.offers, allocations=allocations, locked=locked,
                                        any_eligible=any(offer.eligible for offer in self.offers), **kwargs)

    def perform(self, form):
        try:
            self.allocation = services.case_randomise(trial_id=form.cleaned_data["trial"], case_id=self.case.pk,
                                                      user=self.request.user)
        except services.AlreadyRandomised as refusal:
            self.allocation = refusal.allocation
            raise
        audit_change(self.request, self.allocation, person_id=self.case.person_id)

    def get_success_url(self) -> str:
        return reverse("trials:randomised", args=[self.case.pk, self.allocation.pk])

    def get_refused_url(self) -> str:
        allocation = getattr(self, "allocation", None)
        if allocation is not None and allocation.case_id == self.case.pk:
            return reverse("trials:randomised", args=[self.case.pk, allocation.pk])
        return self.request.path


class RandomisedView(RoleRequiredMixin, DetailView):
    """The allocation, shown to the officer who made it, with what happens next."""

    permission_required = "cases.submit_case"
    template_name = "trials/randomised.html"
    context_object_name = "allocation"

    def get_object(self, queryset=None):
        try:
            case = selectors.case_for_officer(user=self.request.user, pk=self.kwargs["pk"])
            allocation = selectors.case_allocations(case=case).get(pk=self.kwargs["allocation_pk"])
        except (Case.DoesNotExist, Allocation.DoesNotExist):
            raise Http404 from None
        access_log_record(request=self.request, record=allocation, person_id=case.person_id)
        return allocation

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), **kwargs)


class ConsortMixin(TrialMixin):
    """The figures of the CONSORT diagram, with the outcome whose follow-up "analysed" counts (`?measure=<id>-<months>`)."""

    @cached_property
    def measure(self) -> tuple[int, int, str] | None:
        return measure_chosen(self.request.GET.get("measure"))

    @cached_property
    def consort(self):
        from trials.consort import consort_of, followed_up_cases

        definition_id, months, label = self.measure or (None, None, "")
        followed_up = followed_up_cases(definition_id=definition_id, months=months)
        return consort_of(trial=self.trial, followed_up=followed_up, follow_up=label if followed_up is not None else "")


class ConsortView(ConsortMixin, TemplateView):
    template_name = "trials/consort.html"

    def get_context_data(self, **kwargs):
        from trials.consort import consort_description, consort_layout, consort_rows

        measure = f"{self.measure[0]}-{self.measure[1]}" if self.measure else ""
        return super().get_context_data(consort=self.consort, layout=consort_layout(self.consort),
                                        description=consort_description(self.consort), rows=consort_rows(self.consort),
                                        measures=measure_choices(), measure=measure, **kwargs)


class ConsortCsvView(ConsortMixin, View):
    def get(self, request, *args, **kwargs):
        from trials.consort import consort_rows

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="consort-trial-{self.trial.pk}.csv"'
        writer = csv_writer(response)
        writer.writerow(["trial", self.trial.name])
        writer.writerow(["protocol", self.trial.protocol_reference])
        writer.writerow(["follow-up", self.consort.follow_up or "no published reoffending check"])
        writer.writerow(["as at", f"{timezone.localdate():%Y-%m-%d}"])
        writer.writerow(["stage", "arm", "what", "number"])
        writer.writerows(consort_rows(self.consort))
        access_log_report_export(request=request, model=Allocation,
                                 justification=f"CONSORT flow of trial {self.trial.pk} ({self.trial.protocol_reference}) as CSV")
        return response


class AnalysisView(ConsortMixin, TemplateView):
    """ITT and per protocol side by side, and the CACE, for the chosen reoffending definition (its published check)."""

    template_name = "trials/analysis.html"

    def get_context_data(self, **kwargs):
        from trials import analysis
        from trials.consort import followed_up_cases

        context = {"measures": measure_choices(), "measure": "", "people": None}
        if self.measure and followed_up_cases(definition_id=self.measure[0], months=self.measure[1]) is not None:
            people = selectors.analysis_people(trial=self.trial, definition_id=self.measure[0], months=self.measure[1])
            context.update(
                measure=f"{self.measure[0]}-{self.measure[1]}", label=self.measure[2], people=people,
                analyses=[analysis.intention_to_treat(people), analysis.per_protocol(people)],
                cace=analysis.cace(people) if analysis.cace_shown(people) else None, cace_hidden=not analysis.cace_shown(people))
        return super().get_context_data(rule=disclosure.rule_statement(), arms=list(self.trial.arms.all()), **context, **kwargs)


class ResearchExportView(ConsortMixin, View):
    """The pseudonymised per-person file for the trial's researchers (`?part=dictionary` for its data dictionary)."""

    def get(self, request, *args, **kwargs):
        from trials.export import COLUMNS, export_rows

        dictionary = request.GET.get("part") == "dictionary"
        name = "data-dictionary" if dictionary else "participants"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="trial-{self.trial.pk}-{name}.csv"'
        writer = csv_writer(response)
        if dictionary:
            writer.writerow(["column", "meaning"])
            writer.writerows(COLUMNS)
            return response
        definition_id, months, label = self.measure or (None, None, "")
        writer.writerow([column for column, _ in COLUMNS])
        writer.writerows(export_rows(trial=self.trial, definition_id=definition_id, months=months, label=label))
        access_log_report_export(request=request, model=Allocation, justification=(
            f"Pseudonymised per-person file of trial {self.trial.pk} ({self.trial.protocol_reference}) for its researchers"))
        return response
