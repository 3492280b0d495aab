import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE, PASSWORD, KeyworkerFactory, UserFactory
from oocr.audit.models import AccessLog

START_PAGES = {
    Role.EVIDENCE_REVIEW_OFFICER: "/today/",
    Role.KEYWORKER: "/today/",
    Role.SUPERVISOR: "/today/",
    Role.TEAM_MANAGER: "/today/",
    Role.ADMINISTRATOR: "/administration/",
    Role.TRIAL_MANAGER: "/trials/",
}

# Pages that anyone may open without signing in.
PUBLIC_PAGES = {
    "/account/sign-in/",
    "/account/sign-out/",
    "/account/password/reset/",
    "/account/password/reset/sent/",
    "/account/password/reset/done/",
    "/account/password/reset/<uidb64>/<token>/",
    "/calendar/<str:token>.ics",  # a private address: the long random token is the key (contracts' tests)
    "/account/session/timed-out/",  # POST only; signs out, and the session may already have ended
    # The integration API: a token, never a session (401 problem details; api/tests/test_api.py).
    "/api/v1/token/", "/api/v1/referrals/<path:crime_reference>", "/api/v1/cases/<path:crime_reference>", "/api/v1/outcomes",
    "/^api/",
    "/partner/invitation/<str:token>/",  # a partner's invitation: the link's token is the key (portal's tests)
}

# Each page of the service, with the roles allowed to open it (the permissions matrix).
PAGE_ROLES = {
    "/intake/": {Role.EVIDENCE_REVIEW_OFFICER, Role.ADMINISTRATOR},
    "/administration/offences/import/": {Role.ADMINISTRATOR},
    "/caseload/": {Role.KEYWORKER},
    "/caseload/appointments-without-outcome/": {Role.KEYWORKER},
    "/notifications/templates/": {Role.ADMINISTRATOR},
    "/today/": {Role.EVIDENCE_REVIEW_OFFICER, Role.KEYWORKER, Role.SUPERVISOR, Role.TEAM_MANAGER},
    "/allocation/": {Role.SUPERVISOR, Role.TEAM_MANAGER},
    "/allocation/reviews/": {Role.SUPERVISOR},
    "/allocation/decisions/": {Role.SUPERVISOR},
    "/caseload/week/": {Role.KEYWORKER},
    "/team/": {Role.SUPERVISOR, Role.TEAM_MANAGER},
    "/administration/": {Role.ADMINISTRATOR},
    "/administration/users/": {Role.ADMINISTRATOR},
    "/administration/users/new/": {Role.ADMINISTRATOR},
    "/administration/access-log/": {Role.ADMINISTRATOR},
    "/administration/access-log/subject-access/": {Role.ADMINISTRATOR},
    "/administration/retention/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/partners/": {Role.KEYWORKER, Role.SUPERVISOR, Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/partners/new/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/partners/import/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/partners/report/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/administration/reminders/": {Role.ADMINISTRATOR},
    "/evaluation/": {Role.ADMINISTRATOR},
    "/evaluation/imports/new/": {Role.ADMINISTRATOR},
    "/api/v1/reference/": {Role.ADMINISTRATOR},
    "/administration/api-clients/": {Role.ADMINISTRATOR},
    "/administration/api-clients/new/": {Role.ADMINISTRATOR},
    "/evaluation/matches/": {Role.ADMINISTRATOR},
    "/evaluation/harm-weights/": {Role.ADMINISTRATOR},
    "/evaluation/harm-weights/import/": {Role.ADMINISTRATOR},
    "/evaluation/checks/run/": {Role.ADMINISTRATOR},
    "/evaluation/report/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/outcomes/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/evaluation/surveys/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/evaluation/time-to-reoffence/": {Role.TEAM_MANAGER, Role.ADMINISTRATOR},
    "/trials/": {Role.TRIAL_MANAGER},
    "/trials/new/": {Role.TRIAL_MANAGER},
}


def service_paths(resolver=None, prefix=""):
    """Every URL pattern of the project, as a path with its converters left in."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from service_paths(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_every_page_sends_anonymous_visitors_to_sign_in(client):
    wrong = []
    for path in sorted(p for p in set(service_paths()) - PUBLIC_PAGES if not p.startswith("/django-admin/")):
        concrete = re.sub(r"<int:\w+>", "1", re.sub(r"<(str:)?\w+>", "x", path))
        response = client.get(concrete)
        if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
            wrong.append(f"{concrete}: {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
def test_django_admin_sends_anonymous_visitors_to_its_sign_in(client):
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.ALL)
def test_each_role_lands_on_its_start_page_after_signing_in(client, role):
    user = FACTORY_BY_ROLE[role]()
    response = sign_in(client, user.username)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"] == START_PAGES[role]


@pytest.mark.django_db
def test_an_account_without_a_role_is_told_to_ask_for_one(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert b"Your account has no role yet" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.ALL)
def test_permissions_matrix(client, role):
    client.force_login(FACTORY_BY_ROLE[role]())
    wrong = []
    for path in sorted(PAGE_ROLES):
        response = client.get(path)
        if role in PAGE_ROLES[path]:
            if response.status_code != 200 or not response.context["user"].groups.filter(name=role).exists():
                wrong.append(f"{path}: {response.status_code}, expected 200")
        elif response.status_code != 403 or b"You cannot see this page" not in response.content:
            wrong.append(f"{path}: {response.status_code}, expected 403 with 'You cannot see this page'")
    assert wrong == []


def test_the_matrix_covers_every_signed_in_page():
    pages = {p for p in service_paths() if not p.startswith("/django-admin/") and "<" not in p}
    # The start redirect, own-account pages, and intake/new/ (POST only, covered in cases' tests).
    # Everyone's own notifications are not a role's page either.
    not_role_pages = {"/", "/account/password/change/", "/account/password/change/done/", "/intake/new/",
                      "/notifications/", "/notifications/read/", "/notifications/settings/",
                      "/account/two-factor/", "/account/two-factor/set-up/", "/account/two-factor/backup-codes/",
                      "/account/session/keep-alive/",
                      "/partner/", "/partner/colleagues/",  # partner users' pages (tests/test_url_matrix.py)
                      "/search/",  # everyone's search box: each role finds only what it may open (cases/tests/test_search.py)
                      "/api/v1/schema/",  # a JSON document, not a page: administrators only (tests/test_url_matrix.py)
                      # Downloads, not pages: refused to other roles in evaluation's tests and tests/test_url_matrix.py.
                      "/evaluation/surveys/export.csv", "/evaluation/time-to-reoffence/chart.svg"}
    signed_in_pages = pages - PUBLIC_PAGES - not_role_pages
    assert signed_in_pages == set(PAGE_ROLES)


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_message_and_no_session(client):
    user = KeyworkerFactory()
    response = sign_in(client, user.username, "not-the-password")
    assert response.status_code == 200
    assert "Enter a correct user name and password" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_sign_in_names_each_missing_answer(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    content = response.content.decode()
    assert "Enter your user name" in content
    assert "Enter your password" in content
    assert '<a href="#id_username">Enter your user name</a>' in content


@pytest.mark.django_db
def test_account_locks_after_repeated_failures_even_with_the_right_password(client, settings):
    user = KeyworkerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong-password")
    response = sign_in(client, user.username)
    assert response.status_code == 429
    assert b"Your account is locked for now" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_one_failure_fewer_than_the_limit_still_lets_the_person_in(client, settings):
    user = KeyworkerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong-password")
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_sessions_expire_after_the_idle_time(client, settings):
    client.force_login(KeyworkerFactory())
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    assert client.get("/caseload/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/caseload/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_activity_renews_the_idle_time(client):
    client.force_login(KeyworkerFactory())
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=1))
    client.get("/caseload/")
    assert Session.objects.get().expire_date > timezone.now() + timezone.timedelta(minutes=29)


@pytest.mark.django_db
def test_sign_out_ends_the_session(client):
    client.force_login(KeyworkerFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/caseload/").status_code == 302


@pytest.mark.django_db
def test_password_reset_emails_a_link_that_sets_a_new_password(client):
    user = KeyworkerFactory()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = re.search(r"http://testserver(/account/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password-9", "new_password2": "a-brand-new-password-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password-9")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_refuses_a_short_password_with_a_message(client):
    user = KeyworkerFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_viewing_a_staff_account_is_logged_once(client):
    admin = FACTORY_BY_ROLE[Role.ADMINISTRATOR]()
    colleague = KeyworkerFactory()
    client.force_login(admin)
    response = client.get(reverse("accounts:user_detail", args=[colleague.pk]))
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.object_id, entry.kind) == (admin, colleague.pk, AccessLog.Kind.VIEW)


@pytest.mark.django_db
def test_user_list_query_count_does_not_grow_with_accounts(client, django_assert_max_num_queries):
    admin = FACTORY_BY_ROLE[Role.ADMINISTRATOR]()
    client.force_login(admin)
    KeyworkerFactory.create_batch(3)
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("accounts:user_list"))
    KeyworkerFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:user_list"))
    assert len(response.context["accounts"]) == 1 + 3 + 20


def test_every_response_carries_a_content_security_policy(client):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_user_name_longer_than_any_account_is_refused_on_the_form_not_by_the_database(client):
    # The sign-in form's limit (150) used to reach only the browser: 499 characters went on to the lockout
    # table's 255-character column and failed there with a server error.
    response = client.post(reverse("login"), {"username": "x" * 499, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "must be 150 characters or fewer" in response.content.decode()
