from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts import contributions  # what contracts adds to the apps below it (cases.sections, ...)

        contributions.register()
