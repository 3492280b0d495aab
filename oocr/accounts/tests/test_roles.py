import pytest
from django.contrib.auth.models import Group

from oocr.accounts.roles import ROLE_PERMISSIONS, Role, navigation_for, roles_sync
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, UserFactory


def permission_names(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.ALL)
def test_every_role_exists_after_migrating_with_exactly_its_rights(role):
    group = Group.objects.get(name=role)
    assert permission_names(group) == set(ROLE_PERMISSIONS[role])


@pytest.mark.django_db
def test_roles_sync_restores_rights_and_adds_nothing_twice():
    keyworkers = Group.objects.get(name=Role.KEYWORKER)
    keyworkers.permissions.clear()
    roles_sync()
    roles_sync()
    assert Group.objects.filter(name__in=Role.ALL).count() == 6
    assert permission_names(keyworkers) == {"accounts.hold_caseload", "referrals.view_partner", "today.view_today"}


@pytest.mark.django_db
def test_only_administrators_may_read_the_access_log():
    holders = {role for role, names in ROLE_PERMISSIONS.items() if "audit.view_accesslog" in names}
    assert holders == {Role.ADMINISTRATOR}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, labels",
    [
        (Role.EVIDENCE_REVIEW_OFFICER, ["Today", "Intake"]),
        (Role.KEYWORKER, ["Today", "My caseload", "Partners"]),
        (Role.SUPERVISOR, ["Today", "Allocation", "Team", "Partners"]),
        (Role.TEAM_MANAGER, ["Today", "Allocation", "Team", "Outcomes", "Partners", "Retention"]),
        (Role.ADMINISTRATOR, ["Administration", "Evaluation", "Outcomes", "Intake", "Partners", "Retention"]),
        (Role.TRIAL_MANAGER, ["Trials"]),
    ],
)
def test_navigation_shows_only_what_the_role_can_use(role, labels):
    user = FACTORY_BY_ROLE[role]()
    assert [item.label for item in navigation_for(user)] == labels


@pytest.mark.django_db
def test_a_person_with_two_roles_sees_both_in_order_of_precedence():
    user = UserFactory(roles=[Role.SUPERVISOR, Role.KEYWORKER])
    assert [item.label for item in navigation_for(user)] == ["Today", "My caseload", "Allocation", "Team", "Partners"]


@pytest.mark.django_db
def test_the_backend_gives_each_session_its_own_user_and_none_once_deactivated_or_removed(client):
    from django.contrib.auth import get_user
    from oocr.accounts.backends import ModelBackend

    first, second = UserFactory(), UserFactory()
    assert [ModelBackend().get_user(user.pk) for user in (first, second)] == [first, second]
    assert ModelBackend().get_user(str(second.pk)) == second  # as a session keeps it
    client.force_login(first)
    assert get_user(client).pk == first.pk
    first.is_active = False
    first.save()
    assert ModelBackend().get_user(first.pk) is None and get_user(client).is_anonymous
    assert ModelBackend().get_user(second.pk + 1000) is None
