from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Partner portal"

    def ready(self):
        from portal import signals  # noqa: F401 - marks a partner's session at sign-in
