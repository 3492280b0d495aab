"""Intake keeps a person as one record: a PNC ID on someone else's record is refused at its field with them
offered, and a crime for someone with an open case is submitted only once the ERO has seen that case."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, Person
from cases.tests.factories import DraftCaseFactory, PersonFactory, ReadyDraftCaseFactory
from cases.tests.test_views import PERSON_POST, errors_of
from evaluation.tests.factories import CompletedCaseFactory
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory
from oocr.tests.concurrency import as_read

pytestmark = pytest.mark.django_db

PNC_CLASH = "PNC ID 2026/0001234A is already on another person's record"


def test_a_pnc_id_on_another_persons_record_is_refused_at_its_field_and_that_person_is_offered(client):
    on_record = PersonFactory(first_names="Jade", last_name="Penrose", pnc_id="2026/0001234A")
    case = ReadyDraftCaseFactory(person=None)
    client.force_login(case.created_by)
    url = reverse("cases:intake_person", args=[case.pk])
    typed = {**PERSON_POST, "pnc_id": "26/1234a"}  # the same PNC ID, spelt another way

    shown = client.post(url, typed)
    assert shown.context["form"].errors == {}
    assert [p.pk for p in shown.context["form"].candidates] == [on_record.pk]
    assert "Jade Penrose" in shown.content.decode()

    someone_new = client.post(url, {**typed, "match_asked": "1", "match": "new"})
    assert someone_new.status_code == 200
    assert someone_new.context["form"].errors["pnc_id"][0].startswith(PNC_CLASH)
    assert 'href="#id_pnc_id"' in someone_new.content.decode()  # the error summary links to the field
    case.refresh_from_db()
    assert case.person_id is None
    assert Person.objects.count() == 1

    linked = client.post(url, {**typed, "match_asked": "1", "match": str(on_record.pk)})
    assert linked.status_code == 302
    case.refresh_from_db()
    assert case.person_id == on_record.pk
    assert Person.objects.count() == 1


def test_changing_the_drafts_person_to_a_pnc_id_on_record_offers_that_person_and_drops_the_drafts_own_record(client):
    on_record = PersonFactory(first_names="Jade", last_name="Penrose", pnc_id="2026/0001234A")
    case = ReadyDraftCaseFactory()
    drafts_own = case.person
    client.force_login(case.created_by)
    url = reverse("cases:intake_person", args=[case.pk])

    shown = client.post(url, as_read(client, url, {**PERSON_POST, "pnc_id": "2026/0001234A"}))
    assert [p.pk for p in shown.context["form"].candidates] == [on_record.pk]
    refused = client.post(url, as_read(client, url, {**PERSON_POST, "pnc_id": "2026/0001234A", "match_asked": "1", "match": "new"}))
    assert refused.context["form"].errors["pnc_id"][0].startswith(PNC_CLASH)
    assert Person.objects.get(pk=drafts_own.pk).pnc_id == ""

    client.post(url, as_read(client, url, {**PERSON_POST, "pnc_id": "2026/0001234A", "match_asked": "1", "match": str(on_record.pk)}))
    case.refresh_from_db()
    assert case.person_id == on_record.pk
    assert not Person.objects.filter(pk=drafts_own.pk).exists()


def test_the_pnc_id_is_saved_in_its_one_spelling_and_keeping_ones_own_is_no_clash(client):
    case = ReadyDraftCaseFactory(person=None)
    client.force_login(case.created_by)
    url = reverse("cases:intake_person", args=[case.pk])
    assert client.post(url, {**PERSON_POST, "pnc_id": "26/1234a"}).status_code == 302  # a new person: no version yet
    case.refresh_from_db()
    assert case.person.pnc_id == "2026/0001234A"
    assert client.post(url, as_read(client, url, {**PERSON_POST, "pnc_id": "2026/0001234A"})).status_code == 302
    assert Person.objects.get().pnc_id == "2026/0001234A"


@pytest.fixture
def open_case():
    """A person whose case is with a keyworker, and an ERO's ready draft of a new crime for them."""
    keyworker = StaffProfileFactory(user__first_name="Morwenna", user__last_name="Tregear").user
    held = AllocatedCaseFactory(keyworker=keyworker)
    draft = ReadyDraftCaseFactory(person=held.person)
    return held, draft


def test_a_person_on_record_offered_as_a_match_shows_their_open_case(client, open_case):
    held, draft = open_case
    case = ReadyDraftCaseFactory(person=None)
    client.force_login(case.created_by)
    person = held.person
    shown = client.post(reverse("cases:intake_person", args=[case.pk]), {
        **PERSON_POST, "first_names": person.first_names, "last_name": person.last_name,
        "date_of_birth_0": person.date_of_birth.day, "date_of_birth_1": person.date_of_birth.month,
        "date_of_birth_2": person.date_of_birth.year,
    })
    assert (str(person.pk), f"{person} (born {person.date_of_birth:%-d %B %Y}, {person.postcode}), case {held.number} open") in (
        shown.context["form"].fields["match"].choices
    )


def test_the_check_page_shows_the_open_case_with_its_status_and_keyworker(client, open_case):
    held, draft = open_case
    client.force_login(draft.created_by)
    page = client.get(reverse("cases:intake_check", args=[draft.pk])).content.decode()
    assert "This person has a case open already" in page
    assert held.number in page and "Allocated" in page and "Morwenna Tregear" in page
    # Not the ERO's submission: the number only, no link to a page they cannot open.
    assert reverse("cases:submission", args=[held.pk]) not in page
    assert f"keep case {draft.number} as a draft" in page


def test_every_step_after_the_person_shows_the_open_case(client, open_case):
    held, draft = open_case
    client.force_login(draft.created_by)
    for name in ("cases:intake_person", "cases:intake_crime", "cases:intake_victims", "cases:intake_questions"):
        page = client.get(reverse(name, args=[draft.pk])).content.decode()
        assert held.number in page, name


def test_submitting_for_someone_with_an_open_case_needs_the_ero_to_confirm_it_is_a_new_crime(client, open_case):
    held, draft = open_case
    client.force_login(draft.created_by)
    url = reverse("cases:intake_check", args=[draft.pk])

    refused = client.post(url, {"decision": "submitted", "route": "deferred_caution"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["open_case_confirmed"] == [
        f"Confirm that this is a new crime, not one already on case {held.number}, or stop and keep this as a draft"
    ]
    draft.refresh_from_db()
    assert draft.status == Case.Status.DRAFT

    submitted = client.post(url, {"decision": "submitted", "route": "deferred_caution", "open_case_confirmed": "on"})
    assert submitted.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Case.Status.AWAITING_ALLOCATION
    assert CaseEvent.objects.get(case=draft, kind=CaseEvent.Kind.SUBMITTED).text == (
        f"A new crime: the person's case {held.number} is open"
    )


def test_closing_as_ineligible_needs_no_confirmation(client, open_case):
    held, draft = open_case
    draft.draft_answers = {**draft.draft_answers, "consent": "no"}
    draft.save()
    client.force_login(draft.created_by)
    response = client.post(reverse("cases:intake_check", args=[draft.pk]), {"decision": "closed_ineligible"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Case.Status.INELIGIBLE


def test_closed_cases_and_drafts_are_not_open_cases_and_the_eros_own_open_case_is_linked(client):
    ero = EvidenceReviewOfficerFactory()
    finished = CompletedCaseFactory()
    DraftCaseFactory(person=finished.person)  # someone else's draft: not submitted, so not shown
    own_open = DraftCaseFactory(person=finished.person, created_by=ero, status=Case.Status.AWAITING_ALLOCATION)
    draft = ReadyDraftCaseFactory(person=finished.person, created_by=ero)
    client.force_login(ero)
    page = client.get(reverse("cases:intake_check", args=[draft.pk]))
    assert [case.pk for case in page.context["open_cases"]] == [own_open.pk]
    html = page.content.decode()
    assert finished.number not in html
    assert f'href="{reverse("cases:submission", args=[own_open.pk])}">{own_open.number}</a>' in html
    assert "Not allocated yet" in html


def test_no_open_case_no_banner_and_no_question(client):
    draft = ReadyDraftCaseFactory()
    client.force_login(draft.created_by)
    page = client.get(reverse("cases:intake_check", args=[draft.pk]))
    assert "This person has a case open already" not in page.content.decode()
    assert "open_case_confirmed" not in page.context["form"].fields
