"""The case record's own pages: the overview (with the sections other apps contribute, cases.sections), its
history and changes, the victims and their contacts, first contact and the person's reminders."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from cases import forms, sections, selectors, services
from cases.models import Case, FirstContact, Victim
from cases.views.case_page import CASE_ACCESS_REASONS_SESSION_KEY, CasePageMixin, case_or_404
from oocr.concurrency.services import versions_total
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin


class CaseAccessReasonView(RoleRequiredMixin, FormView):
    """Asked before opening a case outside one's caseload or team; the reason goes with every view in this session."""

    permission_required = "cases.view_team_cases"
    form_class = forms.CaseAccessReasonForm
    template_name = "cases/case_access_reason.html"

    @cached_property
    def case(self) -> Case:
        return case_or_404(self.request, self.kwargs["pk"])

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
        # What the apps built on cases show here (referrals overdue, a closure waiting...): cases.sections.
        parts = sections.parts("overview", case=self.case, user=self.request.user, today=timezone.localdate())
        return super().get_context_data(
            recent_events=selectors.case_recent_events(case=self.case), rounds=selectors.case_returns(case=self.case),
            parts=parts, **kwargs,
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
