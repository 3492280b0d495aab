from django.apps import AppConfig


class KeyworkersConfig(AppConfig):
    name = "keyworkers"
    verbose_name = "Keyworkers"

    def ready(self):
        from keyworkers import case_sections  # what keyworkers adds to the case pages (cases.sections)

        case_sections.register()
