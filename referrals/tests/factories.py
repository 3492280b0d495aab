"""Factories named after the state they leave a partner or referral in."""

import factory

from contracts.models import NeedDomain
from referrals.models import Partner, Route


class PartnerFactory(factory.django.DjangoModelFactory):
    """An active partner covering the whole force, serving the needs given by code (alcohol unless told)."""

    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner service {n}")
    kind = Partner.Kind.VOLUNTARY
    services = "Support sessions."
    route = Route.WARM_INTRODUCTION
    referral_email = factory.Sequence(lambda n: f"referrals{n}@partner.example.org")
    acknowledge_days = 3
    appointment_days = 10

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create:
            self.need_domains.set(NeedDomain.objects.filter(code__in=extracted or ["alcohol"]))
