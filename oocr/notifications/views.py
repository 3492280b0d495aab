from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView

from oocr.notifications.selectors import notification_list
from oocr.notifications.services import notifications_mark_read


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
