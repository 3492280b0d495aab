from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        # Contracts' daily reminders job covers overdue referrals once referrals registers them (contracts sits below).
        from referrals import contributions, reminders  # contributions: what referrals adds to cases.sections, ...

        contributions.register()
        reminders.register()
