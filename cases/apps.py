from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from cases import case_sections  # what cases adds to the case pages (cases.sections)

        case_sections.register()
