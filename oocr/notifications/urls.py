from django.urls import path

from oocr.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("read/", views.NotificationsMarkReadView.as_view(), name="mark_read"),
    path("settings/", views.ReminderSettingsView.as_view(), name="settings"),
    path("templates/", views.NotificationTemplatesView.as_view(), name="templates"),
    path("<int:pk>/", views.NotificationOpenView.as_view(), name="open"),
]
