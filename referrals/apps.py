from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from referrals import contributions  # what referrals adds to the apps below it (cases.sections, ...)

        contributions.register()
