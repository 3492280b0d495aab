import factory

from cases.tests.factories import AwaitingAllocationCaseFactory
from keyworkers import services
from keyworkers.models import Specialism, StaffProfile, Team
from oocr.accounts.tests.factories import KeyworkerFactory, SupervisorFactory


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = "OoCR team"


SPECIALISM_NAMES = {"womens_offer": "Women", "young_adult_offer": "Young adults", "domestic_abuse": "Domestic abuse"}


def specialism_matching(matches: str) -> Specialism:
    """The seeded specialism that matches this (made again where a test emptied the database)."""
    return Specialism.objects.get_or_create(matches=matches, defaults={"name": SPECIALISM_NAMES[matches]})[0]


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """A keyworker in the team, available, full time, 60 points of capacity."""

    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(KeyworkerFactory)
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def specialisms(self, create, extracted, **kwargs):
        """`specialisms=["womens_offer"]`: the specialisms (seeded by the migration) that match these."""
        if create and extracted:
            self.specialisms.set([specialism_matching(matches) for matches in extracted])


class SupervisorProfileFactory(StaffProfileFactory):
    user = factory.SubFactory(SupervisorFactory)


class AllocatedCaseFactory(AwaitingAllocationCaseFactory):
    """Submitted, then allocated through the real service to a keyworker (a new one unless given)."""

    @factory.post_generation
    def keyworker(self, create, extracted, **kwargs):
        if not create:
            return
        keyworker = extracted or StaffProfileFactory().user
        supervisor = SupervisorProfileFactory().user
        services.case_allocate(case_id=self.pk, keyworker=keyworker, user=supervisor)
        self.refresh_from_db()


def in_the_team(user):
    """A supervisor or manager working in the default team: they open its cases without giving a reason first."""
    if user.has_perm("cases.view_team_cases"):
        StaffProfileFactory(user=user)
    return user
