from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = "Randomised trials"

    def ready(self):
        from trials import case_sections  # what trials adds to the case pages (cases.sections)

        case_sections.register()
