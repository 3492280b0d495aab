from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = "Randomised trials"

    def ready(self):
        from trials import contributions  # what trials adds to the apps below it (cases.sections, ...)

        contributions.register()
