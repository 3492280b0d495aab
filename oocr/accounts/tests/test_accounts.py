"""Accounts and roles: changed only on the application's pages, with a reason, never by anyone to their own.

Every way an administrator could raise their own rights is tried here and refused.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from keyworkers.services import calendar_token_issue
from keyworkers.tests.factories import StaffProfileFactory
from oocr.accounts import services
from oocr.accounts.models import AccountChange
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def roles(account) -> set[str]:
    return set(User.objects.get(pk=account.pk).groups.values_list("name", flat=True))


def fresh(account):
    return User.objects.get(pk=account.pk)


# --- The Django admin: no way up ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/django-admin/auth/user/", "/django-admin/auth/user/add/", "/django-admin/auth/group/",
                                  "/django-admin/auth/group/add/"])
def test_an_administrator_cannot_open_the_admins_user_and_group_pages(client, path):
    client.force_login(AdministratorFactory())
    assert client.get(path).status_code == 403


def test_an_administrator_cannot_make_themselves_superuser_or_join_a_role_in_the_admin(client):
    admin = AdministratorFactory()
    client.force_login(admin)
    supervisors = Group.objects.get(name=Role.SUPERVISOR)
    change = reverse("admin:auth_user_change", args=[admin.pk])
    response = client.post(change, {"username": admin.username, "is_active": "on", "is_staff": "on", "is_superuser": "on",
                                    "groups": [supervisors.pk], "date_joined_0": "2026-01-01", "date_joined_1": "09:00"})
    assert response.status_code == 403
    response = client.post(reverse("admin:auth_group_change", args=[supervisors.pk]),
                           {"name": Role.SUPERVISOR, "permissions": []})
    assert response.status_code == 403
    admin = fresh(admin)
    assert not admin.is_superuser and roles(admin) == {Role.ADMINISTRATOR}
    assert Group.objects.get(name=Role.SUPERVISOR).permissions.exists()


def test_the_admin_opens_by_role_not_by_staff_flag(client):
    keyworker_with_staff_flag = KeyworkerFactory(is_staff=True)
    client.force_login(keyworker_with_staff_flag)
    assert client.get("/django-admin/").status_code == 302  # to the admin's sign-in: not theirs
    client.force_login(AdministratorFactory(is_staff=False))
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/cases/offence/").status_code == 200  # the reference data stays theirs


def test_a_superuser_made_at_the_command_line_still_manages_users_in_the_admin(client):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/django-admin/auth/user/").status_code == 200


# --- The application's pages -------------------------------------------------------------------------------


def test_an_administrator_cannot_change_their_own_roles_or_close_their_own_account(client):
    admin = AdministratorFactory()
    other = AdministratorFactory()
    client.force_login(admin)
    for name, data in (("account_roles", {"roles": [Role.ADMINISTRATOR, Role.SUPERVISOR], "reason": "I need it"}),
                       ("account_close", {"reason": "Testing"})):
        response = client.post(reverse(f"accounts:{name}", args=[admin.pk]), data, follow=True)
        assert "You cannot change your own account or roles: ask another administrator." in response.content.decode()
    assert roles(admin) == {Role.ADMINISTRATOR} and fresh(admin).is_active
    assert not AccountChange.objects.exists()
    page = client.get(reverse("accounts:user_detail", args=[admin.pk])).content.decode()
    assert "You cannot change your own account or roles" in page and "Change roles" not in page
    assert "Change roles" in client.get(reverse("accounts:user_detail", args=[other.pk])).content.decode()


def test_superuser_and_staff_status_cannot_be_posted_through_the_roles_page(client):
    keyworker = KeyworkerFactory()
    client.force_login(AdministratorFactory())
    client.post(reverse("accounts:account_roles", args=[keyworker.pk]),
                {"roles": [Role.KEYWORKER, Role.SUPERVISOR], "reason": "Acting up", "is_superuser": "on", "is_staff": "on",
                 "groups": [Group.objects.get(name=Role.ADMINISTRATOR).pk]})
    keyworker = fresh(keyworker)
    assert roles(keyworker) == {Role.KEYWORKER, Role.SUPERVISOR}
    assert not keyworker.is_superuser and not keyworker.is_staff


def test_an_administrator_cannot_change_a_superusers_account():
    root = UserFactory(is_superuser=True)
    with pytest.raises(services.AccountChangeRefused, match="managed at the command line"):
        services.account_roles_change(by=AdministratorFactory(), account=root, roles=[Role.KEYWORKER], reason="x")
    assert roles(root) == set()


def test_only_an_administrator_may_change_accounts_even_through_the_service():
    with pytest.raises(services.AccountChangeRefused):
        services.account_roles_change(by=SupervisorFactory(), account=KeyworkerFactory(), roles=[Role.SUPERVISOR], reason="x")
    with pytest.raises(services.AccountChangeRefused):
        services.account_add(by=SupervisorFactory(), username="x", first_name="X", last_name="Y", email="x@example.org",
                             roles=[Role.ADMINISTRATOR], reason="x")


def test_a_role_that_does_not_exist_is_refused_at_the_field(client):
    keyworker = KeyworkerFactory()
    client.force_login(AdministratorFactory())
    response = client.post(reverse("accounts:account_roles", args=[keyworker.pk]), {"roles": ["superuser"], "reason": "x"})
    assert response.status_code == 200
    assert 'href="#id_roles' in response.content.decode()
    assert roles(keyworker) == {Role.KEYWORKER}


def test_a_role_change_is_recorded_with_its_reason_and_shown_on_the_account():
    admin, keyworker = AdministratorFactory(), KeyworkerFactory()
    services.account_roles_change(by=admin, account=keyworker, roles=[Role.SUPERVISOR], reason="Promoted in March")
    change = AccountChange.objects.get()
    assert (change.account, change.by, change.kind) == (keyworker, admin, "roles")
    assert (change.roles_before, change.roles_after, change.reason) == (Role.KEYWORKER, Role.SUPERVISOR, "Promoted in March")


def test_the_same_roles_again_is_refused_at_the_field():
    keyworker = KeyworkerFactory()
    with pytest.raises(Exception, match="already"):
        services.account_roles_change(by=AdministratorFactory(), account=keyworker, roles=[Role.KEYWORKER], reason="x")


def test_closing_an_account_signs_them_out_everywhere_and_stops_their_calendar_feed(client, django_user_model):
    from django.test import Client

    keyworker = KeyworkerFactory()
    StaffProfileFactory(user=keyworker)
    token = calendar_token_issue(user=keyworker)
    phone, laptop = Client(), Client()
    phone.force_login(keyworker)
    laptop.force_login(keyworker)
    assert client.get(reverse("contracts:calendar_feed", args=[token])).status_code == 200
    other = KeyworkerFactory()
    bystander = Client()
    bystander.force_login(other)

    services.account_close(by=AdministratorFactory(), account=keyworker, reason="Left the force")

    for device in (phone, laptop):
        assert device.get(reverse("keyworkers:caseload")).status_code == 302  # to sign in
    assert bystander.get(reverse("keyworkers:caseload")).status_code == 200
    assert client.get(reverse("contracts:calendar_feed", args=[token])).status_code == 404
    assert not fresh(keyworker).is_active


def test_a_new_account_gets_its_roles_no_password_and_an_emailed_link_that_sets_one(client):
    client.force_login(AdministratorFactory())
    response = client.post(reverse("accounts:account_add"), {
        "first_name": "Nia", "last_name": "Penrose", "username": "nia.penrose", "email": "nia.penrose@police.example.org",
        "roles": [Role.EVIDENCE_REVIEW_OFFICER], "reason": "New evidence review officer"})
    account = User.objects.get(username="nia.penrose")
    assert response.url == reverse("accounts:user_detail", args=[account.pk])
    assert roles(account) == {Role.EVIDENCE_REVIEW_OFFICER} and not account.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["nia.penrose@police.example.org"] and "nia.penrose" in message.body
    link = next(line for line in message.body.splitlines() if "/account/password/reset/" in line)
    setter = client_class_get(link)
    assert setter.status_code == 302  # Django swaps the token for a session and redirects to the form


def client_class_get(link: str):
    from django.test import Client

    return Client().get(link[link.index("/account/"):])


def test_a_user_name_or_email_already_taken_is_refused_at_its_field(client):
    taken = KeyworkerFactory(email="taken@police.example.org")
    client.force_login(AdministratorFactory())
    data = {"first_name": "A", "last_name": "B", "username": taken.username.upper(), "email": "free@police.example.org",
            "roles": [Role.KEYWORKER], "reason": "x"}
    assert "That user name is taken" in client.post(reverse("accounts:account_add"), data).content.decode()
    data.update(username="free.name", email="TAKEN@police.example.org")
    assert "Another account has that email address" in client.post(reverse("accounts:account_add"), data).content.decode()
    assert not User.objects.filter(username__in=["free.name", taken.username.upper()]).exists()


def test_a_keyworker_holding_open_cases_keeps_the_role_and_the_account_until_their_cases_are_reallocated(client):
    from contracts.tests.factories import ActiveContractFactory, holder_of

    holder = holder_of(ActiveContractFactory().case)
    admin = AdministratorFactory()
    with pytest.raises(Exception, match="holds 1 open case: a supervisor reallocates them first"):
        services.account_close(by=admin, account=holder, reason="Left the force")
    client.force_login(admin)
    response = client.post(reverse("accounts:account_roles", args=[holder.pk]), {"roles": [Role.SUPERVISOR], "reason": "x"})
    assert "holds 1 open case: a supervisor reallocates them first" in response.content.decode()
    assert fresh(holder).is_active and Role.KEYWORKER in roles(holder)
    assert not AccountChange.objects.exists()


def test_the_change_pages_of_ones_own_account_say_no_before_anything_is_typed(client):
    admin = AdministratorFactory()
    client.force_login(admin)
    response = client.get(reverse("accounts:account_roles", args=[admin.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:user_detail", args=[admin.pk])
    assert "You cannot change your own account or roles" in response.content.decode()
