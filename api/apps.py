from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Integration API"

    def ready(self):
        from api import schema, signals  # noqa: F401  the schema's security scheme; the events that feed outcomes and webhooks
