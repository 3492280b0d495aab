"""The in-app inbox (listed, opened, marked read), a person's reminder settings, and the administrators' read-only
list of notification templates."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from oocr.notifications.forms import ReminderSettingsForm
from oocr.notifications.kinds import STAFF_REMINDER_KINDS
from oocr.notifications.selectors import notification_list
from oocr.notifications.services import notifications_mark_read, reminder_settings_of, reminder_settings_update
from oocr.views import RoleRequiredMixin, ServiceFormMixin


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notification_list(user=self.request.user)


class NotificationsMarkReadView(LoginRequiredMixin, View):
    def post(self, request):
        changed = notifications_mark_read(user=request.user)
        messages.success(request, f"{changed} notification{'s' if changed != 1 else ''} marked as read.")
        return redirect("notifications:list")


class NotificationOpenView(LoginRequiredMixin, View):
    """Follow one of your own notifications to what it is about, marking it read on the way."""

    def get(self, request, pk):
        notification = get_object_or_404(notification_list(user=request.user), pk=pk)
        notifications_mark_read(user=request.user, notifications=notification_list(user=request.user).filter(pk=pk))
        # Only the service's own paths are followed, never an address from elsewhere.
        return redirect(notification.url if notification.url.startswith("/") and not notification.url.startswith("//")
                        else "notifications:list")


class ReminderSettingsView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """Which reminders a member of staff gets, how much notice, and whether a daily email too."""

    form_class = ReminderSettingsForm
    template_name = "notifications/reminder_settings.html"
    success_url = reverse_lazy("notifications:list")

    @property
    def kinds(self) -> dict[str, str]:
        return dict(STAFF_REMINDER_KINDS)  # the reminders are the domain's (registered when it is ready); the settings the user's

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_initial(self):
        preferences = reminder_settings_of(self.request.user)
        return {"kinds_on": [kind for kind in self.kinds if kind not in preferences.kinds_off],
                "lead_days": preferences.lead_days, "email": preferences.email}

    def perform(self, form):
        reminder_settings_update(user=self.request.user, kinds=self.kinds, **form.cleaned_data)
        messages.success(self.request, "Reminder settings saved.")


class NotificationTemplatesView(RoleRequiredMixin, TemplateView):
    """For administrators, read-only: every kind of notification a decision sends, who receives it, and its template."""

    permission_required = "accounts.administer_service"
    template_name = "notifications/notification_templates.html"

    def get_context_data(self, **kwargs):
        from oocr.notifications.selectors import notification_templates

        return super().get_context_data(kinds=notification_templates(), **kwargs)
