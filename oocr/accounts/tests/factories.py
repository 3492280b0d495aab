import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from oocr.accounts.roles import Role, roles_sync

PASSWORD = "a-long-test-password-1"


def with_roles(*default_roles):
    """A post-generation hook giving the account these roles (or those passed as `roles=`)."""

    def assign(user, create, extracted, **kwargs):
        names = extracted if extracted is not None else default_roles
        if not create or not names:
            return
        if Group.objects.filter(name__in=names).count() != len(names):
            roles_sync()  # the database was emptied by a transactional test
        user.groups.set(Group.objects.filter(name__in=names))

    return factory.PostGeneration(assign)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account with no role."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)
    roles = with_roles()


class EvidenceReviewOfficerFactory(UserFactory):
    roles = with_roles(Role.EVIDENCE_REVIEW_OFFICER)


class KeyworkerFactory(UserFactory):
    roles = with_roles(Role.KEYWORKER)


class SupervisorFactory(UserFactory):
    roles = with_roles(Role.SUPERVISOR)


class TeamManagerFactory(UserFactory):
    roles = with_roles(Role.TEAM_MANAGER)


class AdministratorFactory(UserFactory):
    is_staff = True
    roles = with_roles(Role.ADMINISTRATOR)


class TrialManagerFactory(UserFactory):
    roles = with_roles(Role.TRIAL_MANAGER)


FACTORY_BY_ROLE = {
    Role.EVIDENCE_REVIEW_OFFICER: EvidenceReviewOfficerFactory,
    Role.KEYWORKER: KeyworkerFactory,
    Role.SUPERVISOR: SupervisorFactory,
    Role.TEAM_MANAGER: TeamManagerFactory,
    Role.ADMINISTRATOR: AdministratorFactory,
    Role.TRIAL_MANAGER: TrialManagerFactory,
}
