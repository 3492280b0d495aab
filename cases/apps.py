from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from cases import contributions  # what cases adds to the apps below it (cases.sections, ...)

        contributions.register()
