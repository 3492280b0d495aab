from django.apps import AppConfig


class KeyworkersConfig(AppConfig):
    name = "keyworkers"
    verbose_name = "Keyworkers"

    def ready(self):
        from keyworkers import contributions  # what keyworkers adds to the apps below it (cases.sections, ...)

        contributions.register()
