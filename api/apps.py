from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Integration API"

    def ready(self):
        from api import signals  # noqa: F401  the events that feed the outcomes and the webhooks
