"""Contacts and compliance pages: appointments booked, logged, moved and cancelled, non-compliance decided, the
appointments still without an outcome, and the keyworker's week with its private calendar feed."""

from datetime import date, timedelta
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView, View

from cases.views.case_page import CasePageMixin
from contracts import forms, selectors
from contracts.calendar import appointments_calendar
from contracts.services.contacts import (
    contact_cancel, contact_outcome_record, contact_record, contact_reschedule, non_compliance_record,
)
from contracts.views.contract import ContractStepMixin
from keyworkers.selectors import calendar_feed_keyworker, calendar_token_of
from keyworkers.services import calendar_token_issue
from oocr.views import CreateOnceMixin, RoleRequiredMixin, VersionedEditMixin
from oocr.working_days import day_start


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
        contact = contact_record(case_id=self.case.pk, user=self.request.user, data=form.contact_data(),
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
        contact = contact_outcome_record(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
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
        contact, told = contact_reschedule(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
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
        _, told = contact_cancel(case_id=self.case.pk, user=self.request.user, contact_id=self.contact.pk,
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
        event = non_compliance_record(case_id=self.case.pk, user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, "Decision recorded.")
        if event.response == event.Response.PROPOSE_BREACH:
            self.next_url = reverse("contracts:closure", args=[self.case.pk]) + "?result=breached"
        elif event.response == event.Response.EXTENSION:
            # The extension is proposed on its own page, its reason taken from this decision (not through the URL).
            self.next_url = reverse("contracts:variation_new", args=[self.case.pk]) + f"?non_compliance={event.pk}"

    def get_success_url(self) -> str:
        return getattr(self, "next_url", None) or super().get_success_url()


class WeekView(RoleRequiredMixin, TemplateView):
    """A keyworker's appointments for a week, Monday to Sunday, and the private calendar address.

    Reading the page writes nothing: the address is issued, or renewed, only when the keyworker asks (POST).
    """

    permission_required = "accounts.hold_caseload"
    template_name = "contracts/week.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            day = date.fromisoformat(self.request.GET.get("start", ""))
        except ValueError:
            day = today
        if not date.min + timedelta(days=14) <= day <= date.max - timedelta(days=14):
            day = today  # a week whose neighbours cannot be dated (year 1, year 9999)
        monday = day - timedelta(days=day.weekday())
        start = day_start(monday)
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
        keyworker = calendar_feed_keyworker(token=token)
        if keyworker is None:
            raise Http404
        now = timezone.now()
        appointments = selectors.keyworker_appointments(keyworker=keyworker, start=now - timedelta(days=30),
                                                        end=now + timedelta(days=120))
        return HttpResponse(appointments_calendar(appointments, name="OoCR appointments"), content_type="text/calendar")
