from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts import contributions  # what contracts adds to the apps below it (cases.sections, ...)
        from contracts.reminders import STAFF_KINDS
        from oocr.notifications.kinds import staff_reminder_kinds_register

        # The reminder settings page (oocr/notifications) lists the kinds; the reminders are this app's.
        staff_reminder_kinds_register({code: kind.label for code, kind in STAFF_KINDS.items()})
        contributions.register()
