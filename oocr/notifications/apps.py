from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "oocr.notifications"
    label = "notifications"
    verbose_name = "Notifications"
