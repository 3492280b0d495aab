from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from referrals import case_sections  # what referrals adds to the case pages (cases.sections)

        case_sections.register()
