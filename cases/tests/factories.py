"""Factories named after the state they leave a case in."""

from datetime import timedelta

import factory
from django.utils import timezone

from cases import services
from cases.models import Case, Crime, Offence, Person, name_key
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory

ELIGIBLE_ANSWERS = {
    "consent": "yes", "admission": "admitted", "no_dvpo": "no", "no_court_order": "no",
    "no_prison_licence": "no", "no_other_bail": "no",
    "previous_offences": 2, "previous_cautions": 1, "previous_convictions": 0,
}


class PersonFactory(factory.django.DjangoModelFactory):
    """Someone who lives in the force area and can be reached."""

    class Meta:
        model = Person

    first_names = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    name_key = factory.LazyAttribute(lambda p: name_key(p.first_names, p.last_name))
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30 * 365))
    sex = Person.Sex.MALE
    address_line_1 = "12 Fore Street"
    town = "Truro"
    postcode = "TR1 2AB"
    phone = "07700 900123"


class DraftCaseFactory(factory.django.DjangoModelFactory):
    """A draft with nothing entered yet."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    created_by = factory.SubFactory(EvidenceReviewOfficerFactory)


class CrimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crime
        skip_postgeneration_save = True

    case = factory.SubFactory(DraftCaseFactory)
    reference = factory.Sequence(lambda n: f"CR/{n:05d}/26")
    offence_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    offence_postcode = "TR1 3XX"
    officer_name = "PC Sam Hicks"
    officer_collar_number = "4521"
    officer_email = "sam.hicks@example.org"

    @factory.post_generation
    def offences(self, create, extracted, **kwargs):
        if create:
            # Not Offence.objects.get: tests that empty the database (browser, concurrency) remove the catalogue.
            shoplifting, _ = Offence.objects.get_or_create(code="TH-SHOP", defaults={
                "title": "Theft from a shop (Theft Act 1968 s.1)", "mode_of_trial": "either_way", "crime_subgroup": "Shoplifting",
            })
            self.offences.set(extracted or [shoplifting])


class ReadyDraftCaseFactory(DraftCaseFactory):
    """A draft with the person, the crime and eligible answers: ready for the check."""

    person = factory.SubFactory(PersonFactory)
    draft_answers = factory.LazyFunction(lambda: dict(ELIGIBLE_ANSWERS))
    crime = factory.RelatedFactory(CrimeFactory, factory_related_name="case")


class AwaitingAllocationCaseFactory(ReadyDraftCaseFactory):
    """Submitted through the real service, so its assessment and baseline exist."""

    @factory.post_generation
    def submitted(self, create, extracted, **kwargs):
        if create:
            # A person given a second case here is a new crime, as the ERO would confirm (the views' tests ask it).
            services.intake_submit(case=self, user=self.created_by, decision="submitted", route=Case.Route.DEFERRED_CAUTION,
                                   open_case_confirmed=True)
            self.refresh_from_db()
