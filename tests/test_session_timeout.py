"""No work lost to the idle timeout: staying signed in, a form kept across signing in again, a stale form's page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import NeedDomain, NeedsAssessment
from contracts.tests.factories import AssessedCaseFactory, holder_of
from oocr.accounts import services
from oocr.accounts.models import KeptFormInput
from oocr.accounts.tests.factories import PASSWORD, KeyworkerFactory
from oocr.accounts.tests.test_two_factor import enrolled, sign_in_code

pytestmark = pytest.mark.django_db

NOTE = "Drinks most evenings since losing his job"
GOAL = "Back in work by the spring"


def _form_page(client):
    """A keyworker at their case's baseline assessment: the URL and the CSRF token the page was shown with."""
    case = AssessedCaseFactory(draft_contract=False)
    holder = holder_of(case)
    client.force_login(holder)
    url = reverse("contracts:assessment_form", args=[case.pk, NeedsAssessment.Kind.BASELINE])
    response = client.get(url)
    assert response.status_code == 200
    return holder, url, _token(response)


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def _typed(token: str) -> dict:
    alcohol = NeedDomain.objects.get(code="alcohol").pk
    data = {f"score_{domain.pk}": "1" for domain in NeedDomain.objects.filter(is_active=True)}
    return {**data, f"notes_{alcohol}": NOTE, f"safeguarding_{alcohol}": "on", "goals": GOAL, "csrfmiddlewaretoken": token}


def _session_ends() -> None:
    Session.objects.all().delete()


def _sign_in(client, user, next_url: str):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url})


def _baseline_notes(url: str) -> str:
    case_pk = int(url.split("/")[2])
    assessment = NeedsAssessment.objects.get(case_id=case_pk, kind=NeedsAssessment.Kind.BASELINE)
    return assessment.scores.get(domain__code="alcohol").notes


# --- Staying signed in --------------------------------------------------------------------------------------


def test_stay_signed_in_renews_the_sessions_idle_expiry(client):
    user = KeyworkerFactory()
    client.force_login(user)
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    response = client.post(reverse("session_keep_alive"))
    assert response.json() == {"idle_seconds": 30 * 60}
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=29)


def test_stay_signed_in_refuses_a_get_and_a_signed_out_request(client):
    assert client.post(reverse("session_keep_alive"))["Location"].startswith(reverse("login"))
    assert KeptFormInput.objects.count() == 0
    client.force_login(KeyworkerFactory())
    assert client.get(reverse("session_keep_alive")).status_code == 405


def test_stay_signed_in_needs_the_pages_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(KeyworkerFactory())
    assert client.post(reverse("session_keep_alive")).status_code == 403
    token = _token(client.get(reverse("notifications:list")))
    assert client.post(reverse("session_keep_alive"), {"csrfmiddlewaretoken": token}).status_code == 200


def test_every_signed_in_page_has_the_timeout_warning_with_its_timings_and_no_inline_script(client, settings):
    settings.SESSION_COOKIE_AGE = 600
    settings.SESSION_WARNING_SECONDS = 90
    client.force_login(KeyworkerFactory())
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-idle-seconds="600"' in page and 'data-warning-seconds="90"' in page
    assert "Stay signed in" in page and 'src="/static/js/timeout-warning.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    client.logout()
    assert "oocr-timeout-warning" not in client.get(reverse("login")).content.decode()


# --- A form posted after the session ended -------------------------------------------------------------------


def test_a_form_posted_after_the_session_ended_is_filled_again_once_its_author_signs_in(client):
    holder, url, token = _form_page(client)
    _session_ends()

    response = client.post(url, _typed(token))
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert _baseline_notes(url) == ""  # nothing saved
    kept = KeptFormInput.objects.get()
    assert kept.user == holder and kept.path == url and kept.data["goals"] == [GOAL]
    assert "csrfmiddlewaretoken" not in kept.data
    assert str(kept.pk) not in response["Location"]
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "Sign in again to go back to it with what you typed" in sign_in_page

    assert _sign_in(client, holder, url)["Location"] == url
    page = client.get(url)
    form = page.context["form"]
    alcohol = NeedDomain.objects.get(code="alcohol").pk
    assert form[f"notes_{alcohol}"].value() == NOTE and form["goals"].value() == GOAL
    assert form[f"safeguarding_{alcohol}"].value() is True
    assert not form.errors
    assert NOTE in page.content.decode() and "It has not been saved" in page.content.decode()
    assert KeptFormInput.objects.count() == 0

    again = client.get(url)
    assert NOTE not in again.content.decode()  # used once


def test_another_person_signing_in_on_the_browser_never_sees_the_input_and_it_is_deleted(client):
    holder, url, token = _form_page(client)
    _session_ends()
    client.post(url, _typed(token))
    assert KeptFormInput.objects.count() == 1

    colleague = KeyworkerFactory()
    assert _sign_in(client, colleague, url)["Location"] == url
    page = client.get(url)
    assert NOTE not in page.content.decode()
    assert KeptFormInput.objects.count() == 0
    client.logout()
    _sign_in(client, holder, url)
    assert NOTE not in client.get(url).content.decode()


def test_kept_input_is_not_used_after_it_expires_and_expired_input_is_deleted(client):
    holder, url, token = _form_page(client)
    _session_ends()
    client.post(url, _typed(token))
    KeptFormInput.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _sign_in(client, holder, url)
    assert NOTE not in client.get(url).content.decode()

    other = KeyworkerFactory()
    services.kept_form_input_keep(user_id=other.pk, path="/caseload/", post=QueryDict("goals=x"))
    assert list(KeptFormInput.objects.values_list("user_id", flat=True)) == [other.pk]


def test_nothing_is_kept_without_a_token_the_service_showed_or_for_passwords_alone(client):
    holder, url, token = _form_page(client)
    _session_ends()
    stranger = Client()
    stranger.post(url, _typed(token))  # another browser: no note of whom the page was shown to
    assert KeptFormInput.objects.count() == 0
    client.post(url, {**_typed(token), "csrfmiddlewaretoken": "x" * 64})
    assert KeptFormInput.objects.count() == 0
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "n" * 14,
                                             "new_password2": "n" * 14, "csrfmiddlewaretoken": token})
    assert KeptFormInput.objects.count() == 0
    client.post(url, {**_typed(token), "password": PASSWORD})
    assert "password" not in KeptFormInput.objects.get().data


def test_with_two_factor_sign_in_the_form_comes_back_after_the_code(client, settings):
    settings.OOCR_REQUIRE_2FA = True
    case = AssessedCaseFactory(draft_contract=False)
    holder = holder_of(case)
    device, _ = enrolled(holder)
    url = reverse("contracts:assessment_form", args=[case.pk, NeedsAssessment.Kind.BASELINE])
    _sign_in(client, holder, url)
    client.post(reverse("two_factor_verify"), {"code": sign_in_code(device), "next": url})
    token = _token(client.get(url))
    _session_ends()

    client.post(url, _typed(token))
    assert _sign_in(client, holder, url)["Location"] == url
    response = client.get(url)  # the password alone does not open the page: the code first
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert NOTE not in client.get(response["Location"]).content.decode()
    assert KeptFormInput.objects.count() == 1  # waiting for the code
    device.refresh_from_db()
    response = client.post(reverse("two_factor_verify"), {"code": sign_in_code(device), "next": url})
    assert response["Location"] == url
    assert NOTE in client.get(url).content.decode()
    assert KeptFormInput.objects.count() == 0


# --- The warning ran out ---------------------------------------------------------------------------------------


def test_when_the_warning_runs_out_the_person_is_signed_out_and_the_pages_input_kept(client):
    holder, url, token = _form_page(client)
    response = client.post(reverse("session_timed_out"), {**_typed(token), "oocr_return_to": url})
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not any(session.get_decoded().get(SESSION_KEY) for session in Session.objects.all())
    assert _baseline_notes(url) == ""
    assert "oocr_return_to" not in KeptFormInput.objects.get(user=holder, path=url).data
    assert "What you typed is kept" in client.get(response["Location"]).content.decode()
    _sign_in(client, holder, url)
    assert NOTE in client.get(url).content.decode()


def test_the_timed_out_page_sends_nobody_to_another_site(client):
    client.force_login(KeyworkerFactory())
    response = client.post(reverse("session_timed_out"), {"oocr_return_to": "https://evil.example/"})
    assert response["Location"] == f"{reverse('login')}?next=/"


# --- A stale form (CSRF) -------------------------------------------------------------------------------------------


def test_a_form_open_since_before_signing_in_again_gets_a_govuk_page_and_its_input_back():
    client = Client(enforce_csrf_checks=True)
    holder, url, token = _form_page(client)
    # Signed in again in another tab: the sign-in renews the CSRF secret, so the open page's token is stale.
    sign_in_token = _token(client.get(reverse("login")))
    client.post(reverse("login"), {"username": holder.username, "password": PASSWORD, "csrfmiddlewaretoken": sign_in_token})

    response = client.post(url, _typed(token))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your page was open too long" in page and "Nothing on it has been saved" in page
    assert "build/oocr.css" in page and "CSRF verification failed" not in page
    assert not re.search(r"\sstyle\s*=|<script(?![^>]*\bsrc=)", page)
    assert f'href="{url}"' in page and "Go back to the form" in page
    assert _baseline_notes(url) == ""
    assert NOTE in client.get(url).content.decode()


def test_a_stale_form_of_someone_else_is_not_kept_for_the_person_now_signed_in():
    client = Client(enforce_csrf_checks=True)
    holder, url, token = _form_page(client)
    colleague = KeyworkerFactory()
    client.logout()
    sign_in_token = _token(client.get(reverse("login")))
    client.post(reverse("login"), {"username": colleague.username, "password": PASSWORD, "csrfmiddlewaretoken": sign_in_token})

    response = client.post(url, _typed(token))
    assert response.status_code == 403 and "Your page was open too long" in response.content.decode()
    assert "Go back to the form" not in response.content.decode()
    assert KeptFormInput.objects.count() == 0


def test_a_form_from_another_origin_is_refused_in_plain_words():
    client = Client(enforce_csrf_checks=True)
    holder, url, token = _form_page(client)
    response = client.post(url, _typed(token), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "Something went wrong with your form" in response.content.decode()
    assert KeptFormInput.objects.count() == 0
