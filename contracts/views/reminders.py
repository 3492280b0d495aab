"""The reminders job's page for administrators: its recent runs and messages, and a button to run it now."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import TemplateView

from contracts import selectors
from contracts.tasks import send_reminders
from oocr.views import RoleRequiredMixin


class RemindersView(RoleRequiredMixin, TemplateView):
    """Administrators see the reminders job's recent runs and messages, and can run it now."""

    permission_required = "accounts.administer_service"
    template_name = "contracts/reminders.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.reminder_runs(), **kwargs)

    def post(self, request):
        transaction.on_commit(lambda: send_reminders.delay())
        messages.success(request, "The reminders job has been started for today. Nothing already sent is sent again.")
        return redirect("contracts:reminders")
