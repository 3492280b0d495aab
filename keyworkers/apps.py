from django.apps import AppConfig


class KeyworkersConfig(AppConfig):
    name = "keyworkers"
    verbose_name = "Keyworkers"

    def ready(self):
        from keyworkers import contributions  # what keyworkers adds to the apps below it (cases.sections, ...)
        from keyworkers.selectors import open_cases_held
        from oocr.accounts.work_held import work_held_register

        work_held_register(open_cases_held)  # accounts asks before closing an account or removing the keyworker role
        contributions.register()
