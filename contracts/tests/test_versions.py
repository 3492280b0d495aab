"""No lost updates and no duplicate records on the case work forms (issue 14, points 4 and 5)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts.services.contract import condition_remove
from contracts.services.variation import variation_decide, variation_propose
from contracts.models import (
    ClosureProposal, Condition, Contact, Contract, KeyworkerAction, NeedsAssessment, NonCompliance, VariationProposal,
)
from contracts.tests import form_cases
from contracts.tests.factories import (
    ActiveContractFactory, AssessedCaseFactory, BookedContactFactory, PendingExtensionFactory, TailoredConditionFactory,
    holder_of,
)
from contracts.tests.form_cases import _date, _scores
from oocr.tests.concurrency import (
    both_post, conflict_shown, hidden_value, posted_twice, read_token, read_version, signed_in,
)

pytestmark = pytest.mark.django_db


def _tailored(contract):
    return contract.conditions.exclude(kind="standard").get()


def test_condition_progress_saved_over_a_newer_version_is_refused_and_both_versions_are_shown():
    contract = ActiveContractFactory()
    condition, keyworker = _tailored(contract), holder_of(contract.case)
    url = reverse("contracts:condition_progress", args=[contract.case.pk, condition.pk])
    first, second = both_post(
        url, first_user=keyworker, second_user=keyworker,
        first={"status": "in_progress", "evidence": "Met the debt adviser on Monday", "hours_done": "2"},
        second={"status": "met", "evidence": "Finished the course", "hours_done": "4"},
    )
    assert first.status_code == 302
    condition.refresh_from_db()
    assert (condition.status, condition.evidence, condition.hours_done) == ("in_progress", "Met the debt adviser on Monday", 2)
    page = conflict_shown(second)
    assert "You changed this record in another tab or window at" in page
    assert '<a href="#edit-conflict">You changed this record' in page and 'id="edit-conflict"' in page  # the link lands on it
    assert "Finished the course" in page  # their own input, kept in the form
    assert "Met the debt adviser on Monday" in page  # the version saved first, shown beside it
    assert condition.version == 2


def test_a_condition_progress_form_with_no_version_or_garbage_is_refused_not_saved(client):
    contract = ActiveContractFactory()
    condition = _tailored(contract)
    client.force_login(holder_of(contract.case))
    url = reverse("contracts:condition_progress", args=[contract.case.pk, condition.pk])
    for version in (None, "abc", "-1", "99999999999999999999", "\x00"):
        data = {"status": "met", "evidence": "Done", "hours_done": "1"}
        if version is not None:
            data["record_version"] = version
        conflict_shown(client.post(url, data))
    assert Condition.objects.get(pk=condition.pk).status == "not_started"


def test_the_first_assessment_corrected_in_two_tabs_keeps_the_first_correction():
    case = ActiveContractFactory().case
    keyworker = holder_of(case)
    url = reverse("contracts:assessment_form", args=[case.pk, "baseline"])
    scores = {key: value for key, value in _scores({"case": case}).items() if key.startswith("score_")}
    first, second = both_post(url, first_user=keyworker, second_user=keyworker,
                              first={**scores, "strengths": "Kept every appointment", "goals": "A job"},
                              second={**scores, "strengths": "Close to his sister", "goals": "A job"})
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Kept every appointment" in page.split('data-testid="edit-conflict"')[1] and "Close to his sister" in page
    assessment = NeedsAssessment.objects.get(case=case, kind="baseline")
    assert (assessment.strengths, assessment.version) == ("Kept every appointment", 2)


def test_a_contract_signed_from_a_page_read_before_a_condition_was_added_is_not_signed():
    case = AssessedCaseFactory()
    kept = TailoredConditionFactory(contract=case.contract)
    removed = TailoredConditionFactory(contract=case.contract, description="You will not go to the Lemon Street shop.")
    keyworker = holder_of(case)
    url = reverse("contracts:contract_sign", args=[case.pk])
    signing = signed_in(keyworker)
    version = read_version(signing, url)
    condition_remove(case_id=case.pk, user=keyworker, condition_id=removed.pk)  # meanwhile, in another tab
    response = signing.post(url, {**_date("signed_on", timezone.localdate()), "agreement": "verbal", "record_version": version})
    their_version = conflict_shown(response).split('data-testid="edit-conflict"')[1]
    assert kept.description in their_version and removed.description not in their_version
    assert Contract.objects.get(case=case).status == Contract.Status.DRAFT
    response = signing.post(url, {**_date("signed_on", timezone.localdate()), "agreement": "verbal",
                                  "record_version": hidden_value(response, "record_version")})
    assert response.status_code == 302  # seen, and signed
    assert Contract.objects.get(case=case).status != Contract.Status.DRAFT


CREATE_FORMS = {
    "action_new": (form_cases._action, form_cases._intelligence, lambda c: KeyworkerAction.objects.filter(case=c["case"])),
    "condition_new": (form_cases._apology, form_cases._letter,
                      lambda c: Condition.objects.filter(contract__case=c["case"], kind="restorative")),
    "contact_new": (form_cases._contacts, form_cases._contact_logged, lambda c: Contact.objects.filter(case=c["case"])),
    "non_compliance_new": (form_cases._non_compliance, form_cases._missed, lambda c: NonCompliance.objects.filter(case=c["case"])),
    "closure": (form_cases._closing, form_cases._breach, lambda c: ClosureProposal.objects.filter(case=c["case"])),
    "variation_new": (form_cases._variation, form_cases._vary,
                      lambda c: VariationProposal.objects.filter(contract__case=c["case"])),
}


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_case_work_form_posted_twice_creates_one_record(name):
    arrange, valid, records = CREATE_FORMS[name]
    context = arrange()
    first, second = posted_twice(context["url"], user=context["user"], data=valid(context))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert records(context).count() == 1


def test_a_booking_at_the_time_of_another_appointment_warns_and_books_once_confirmed():
    booked = BookedContactFactory(starts_at=timezone.now() + timedelta(days=1))  # a booking is for later
    keyworker = holder_of(booked.case)
    other = _second_case_of(keyworker)
    at = timezone.localtime(booked.starts_at) + timedelta(minutes=30)
    url = reverse("contracts:contact_new", args=[other.pk])
    client = signed_in(keyworker)
    data = {"type": "face_to_face", **_date("day", at.date()), "time": f"{at:%H:%M}", "place": "Truro office", "outcome": "",
            "duration_minutes": "60", "notes": "", "form_token": read_token(client, url)}
    response = client.post(url, data)
    message = (f"You already have an appointment at {timezone.localtime(booked.starts_at):%H:%M} on "
               f"{timezone.localtime(booked.starts_at):%-d %B %Y} (case {booked.case.number}): "
               "choose another time, or tick the box to book both")
    assert response.context["form"].errors["time"] == [message]
    assert 'name="book_anyway"' in response.content.decode()
    assert not Contact.objects.filter(case=other).exists()
    response = client.post(url, {**data, "book_anyway": "on"})
    assert response.status_code == 302
    assert Contact.objects.filter(case=other, outcome="").count() == 1


def _second_case_of(keyworker):
    """Another active case held by the same keyworker."""
    from keyworkers.models import Allocation

    case = ActiveContractFactory().case
    Allocation.objects.filter(case=case, ended_at=None).update(keyworker=keyworker)
    return case


# --- The back button: the browser fetches the form again (signed-in pages are not cached), with a new token, and
# puts back what was typed; Save then sends the same record with a token never used. The record's own key stops it.


def test_a_contact_sent_again_after_the_back_button_is_recorded_once_and_the_page_says_so():
    context = form_cases._contacts()
    client = signed_in(context["user"])
    data = form_cases._contact_logged(context)
    assert client.post(context["url"], {**data, "form_token": read_token(client, context["url"])}).status_code == 302
    again = client.post(context["url"], {**data, "form_token": read_token(client, context["url"])})
    assert again.status_code == 200
    assert "recorded already: open it from the list of contacts, or change the time" in again.context["form"].errors["time"][0]
    assert Contact.objects.filter(case=context["case"]).count() == 1


def test_a_condition_sent_again_after_the_back_button_is_added_once():
    context = form_cases._apology()
    client = signed_in(context["user"])
    data = form_cases._letter(context)
    assert client.post(context["url"], {**data, "form_token": read_token(client, context["url"])}).status_code == 302
    again = client.post(context["url"], {**data, "form_token": read_token(client, context["url"])})
    assert again.context["form"].errors["description"] == [
        "This condition is on the contract already, with the same words and due date: change them to add another"]
    assert Condition.objects.filter(contract__case=context["case"], kind="restorative").count() == 1


def test_the_same_extension_cannot_be_proposed_while_one_waits_for_a_supervisor():
    waiting = PendingExtensionFactory()
    case = waiting.contract.case
    with pytest.raises(ValidationError) as refused:
        variation_propose(case_id=case.pk, user=holder_of(case), kind="extension", reason="Again", extension_days=7)
    assert "is waiting for a supervisor's decision" in refused.value.message_dict["kind"][0]
    assert VariationProposal.objects.filter(contract=waiting.contract).count() == 1


def test_the_keyworker_hears_of_a_supervisors_decision_at_once():
    from oocr.accounts.tests.factories import SupervisorFactory
    from oocr.notifications.models import Notification

    waiting = PendingExtensionFactory()
    case, supervisor = waiting.contract.case, SupervisorFactory(first_name="Gwen", last_name="Rowe")
    variation_decide(proposal_id=waiting.pk, user=supervisor, approve=True)
    told = list(Notification.objects.filter(user=holder_of(case)).values_list("text", flat=True))
    assert f"Gwen Rowe approved the extension proposed for case {case.number}" in told, told
    assert not Notification.objects.filter(user=supervisor).exists()


def test_the_sign_page_says_the_assessment_comes_first_before_anything_is_typed():
    case = AssessedCaseFactory()
    NeedsAssessment.objects.filter(case=case).delete()
    client = signed_in(holder_of(case))
    response = client.get(reverse("contracts:contract_sign", args=[case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contracts:contract", args=[case.pk])
    assert "Record the needs assessment before agreeing the contract" in response.content.decode()


@pytest.mark.parametrize("arrange, data, model, field", [
    (form_cases._action, form_cases._intelligence, KeyworkerAction, "raised_on"),
    (form_cases._non_compliance, form_cases._missed, NonCompliance, "occurred_on"),
], ids=["keyworker action", "non-compliance"])
def test_a_record_sent_again_after_the_back_button_is_kept_once(arrange, data, model, field):
    context = arrange()
    client = signed_in(context["user"])
    sent = data(context)
    assert client.post(context["url"], {**sent, "form_token": read_token(client, context["url"])}).status_code == 302
    again = client.post(context["url"], {**sent, "form_token": read_token(client, context["url"])})
    assert "is recorded already: see the case's history, or change the date" in again.context["form"].errors[field][0]
    assert model.objects.filter(case=context["case"]).count() == 1
