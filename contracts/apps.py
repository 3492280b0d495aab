from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts import case_sections  # what contracts adds to the case pages (cases.sections)

        case_sections.register()
