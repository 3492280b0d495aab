"""Corrections with a trail, deleting and withdrawing one's own submission, and sending a submission back (issue 16)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import (
    Case, CaseBaseline, CaseEvent, CaseStateError, Crime, EligibilityAssessment, Person, SubmissionReturn, Victim,
)
from cases.tests.factories import AwaitingAllocationCaseFactory, CrimeFactory, DraftCaseFactory, ReadyDraftCaseFactory
from keyworkers.tests.factories import AllocatedCaseFactory, StaffProfileFactory, SupervisorProfileFactory
from oocr.accounts.tests.factories import EvidenceReviewOfficerFactory
from oocr.concurrency.services import EditConflict
from oocr.notifications.models import Notification

pytestmark = pytest.mark.django_db

CONTACT = {"address_line_1": "3 Lemon Street", "address_line_2": "", "town": "Truro", "postcode": "TR1 2LS",
           "phone": "07700 900456", "email": "", "preferred_contact": "phone"}


def told() -> set:
    """Who has been sent an inbox item, and nobody else."""
    return set(Notification.objects.values_list("user_id", flat=True))


def crime_data(crime: Crime, **changes) -> dict:
    fields = ["reference", "offence_date", "offence_postcode", "domestic_abuse", "hate_crime", "co_accused",
              "officer_name", "officer_collar_number", "officer_email"]
    return {**{name: getattr(crime, name) for name in fields}, **changes}


def test_an_officer_corrects_the_address_before_allocation_with_the_reason_in_the_history():
    case = AwaitingAllocationCaseFactory()
    person = case.person
    summary = services.person_correct(case_id=case.pk, user=case.created_by, data=CONTACT, reason="Moved last week",
                                      read_version=person.version)
    person.refresh_from_db()
    assert (person.address_line_1, person.phone) == ("3 Lemon Street", "07700 900456")
    latest = person.history.latest()
    assert latest.history_user == case.created_by
    assert latest.history_change_reason == "Correction: Moved last week"
    assert latest.prev_record.address_line_1 == "12 Fore Street"
    event = case.events.get(kind=CaseEvent.Kind.CORRECTED)
    assert "Address line 1" in event.text and "Moved last week" in event.text
    assert summary == ""  # still in the force area and reachable: no rule's result changed
    assert EligibilityAssessment.objects.filter(case=case).count() == 1
    assert told() == set()


def test_a_correction_that_takes_the_person_out_of_the_area_rechecks_and_tells_the_supervisors_only():
    supervisors = {SupervisorProfileFactory().user.pk, SupervisorProfileFactory().user.pk}
    StaffProfileFactory()  # a keyworker of the team: not told
    case = AwaitingAllocationCaseFactory()
    summary = services.person_correct(case_id=case.pk, user=case.created_by, read_version=case.person.version,
                                      data={**CONTACT, "postcode": "M1 1AA"}, reason="Typed the old address")
    case.refresh_from_db()
    assert "now ineligible" in summary and "before" in summary
    recheck = case.eligibility_assessments.get(decision=EligibilityAssessment.Decision.RECHECKED)
    assert recheck.outcome == EligibilityAssessment.Outcome.INELIGIBLE
    assert case.status == Case.Status.AWAITING_ALLOCATION  # not dropped: flagged for a supervisor to decide
    assert case.review_flag.startswith(services.REVIEW_FLAG_INELIGIBLE)
    assert case.events.filter(kind=CaseEvent.Kind.ELIGIBILITY).exists()
    assert told() == supervisors
    # Corrected back: eligible again, and the flag goes.
    person = Person.objects.get(pk=case.person_id)
    services.person_correct(case_id=case.pk, user=case.created_by, data=CONTACT, reason="Right postcode",
                            read_version=person.version)
    case.refresh_from_db()
    assert case.review_flag == ""


def test_a_correction_over_a_version_not_read_is_refused():
    case = AwaitingAllocationCaseFactory()
    stale = case.person.version
    services.person_correct(case_id=case.pk, user=case.created_by, data=CONTACT, reason="One", read_version=stale)
    with pytest.raises(EditConflict):
        services.person_correct(case_id=case.pk, user=case.created_by, data={**CONTACT, "town": "Redruth"}, reason="Two",
                                read_version=stale)


def test_a_correction_needs_a_reason_and_a_change():
    case = AwaitingAllocationCaseFactory()
    with pytest.raises(ValidationError) as error:
        services.person_correct(case_id=case.pk, user=case.created_by, data=CONTACT, reason="  ")
    assert "reason" in error.value.error_dict
    same = {name: getattr(case.person, name) for name in CONTACT}
    with pytest.raises(ValidationError):
        services.person_correct(case_id=case.pk, user=case.created_by, data=same, reason="Nothing")


def test_the_keyworker_corrects_the_crime_after_allocation_and_the_offence_date_rechecks_age():
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    crime = case.crimes.get()
    new_date = timezone.localdate() - timedelta(days=3)
    services.crime_correct(case_id=case.pk, user=keyworker, data=crime_data(crime, offence_date=new_date, hate_crime=True),
                           offences=list(crime.offences.all()), reason="Wrong day on the form", read_version=crime.version)
    crime.refresh_from_db()
    assert crime.offence_date == new_date and crime.hate_crime
    assert crime.history.latest().history_change_reason == "Correction: Wrong day on the form"
    assert crime.history.latest().history_user == keyworker


def test_a_supervisor_corrects_a_victim_and_a_closed_case_is_not_corrected():
    case = AllocatedCaseFactory()
    supervisor = SupervisorProfileFactory().user
    victim = Victim.objects.create(crime=case.crimes.get(), name="Jo Pascoe")
    data = {"name": "Jo Pascoe-Rowe", "phone": "", "email": "jo@example.org", "view": Victim.View.NOT_ASKED,
            "restorative_consent": Victim.RestorativeConsent.NOT_ASKED, "date_asked": None}
    services.victim_correct(case_id=case.pk, user=supervisor, victim_id=victim.pk, data=data, reason="Married name",
                            read_version=victim.version)
    victim.refresh_from_db()
    assert victim.name == "Jo Pascoe-Rowe"
    assert victim.history.latest().history_change_reason == "Correction: Married name"
    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN)
    with pytest.raises(CaseStateError):
        services.victim_correct(case_id=case.pk, user=supervisor, victim_id=victim.pk,
                                data={**data, "name": "J P"}, reason="Again")


def test_an_officer_deletes_their_own_draft_only():
    draft = ReadyDraftCaseFactory()
    person_id = draft.person_id
    with pytest.raises(CaseStateError):
        services.case_draft_delete(case_id=draft.pk, user=EvidenceReviewOfficerFactory())
    services.case_draft_delete(case_id=draft.pk, user=draft.created_by)
    assert not Case.objects.filter(pk=draft.pk).exists()
    assert not Person.objects.filter(pk=person_id).exists()  # made for this draft alone
    assert not Crime.objects.filter(case_id=draft.pk).exists()
    submitted = AwaitingAllocationCaseFactory()
    with pytest.raises(CaseStateError):
        services.case_draft_delete(case_id=submitted.pk, user=submitted.created_by)


def test_an_officer_withdraws_their_submission_before_allocation_with_a_coded_reason():
    case = AwaitingAllocationCaseFactory()
    SupervisorProfileFactory()
    with pytest.raises(ValidationError):
        services.case_submission_withdraw(case_id=case.pk, user=case.created_by, reason="other")  # other needs details
    services.case_submission_withdraw(case_id=case.pk, user=case.created_by, reason="submitted_in_error")
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert case.withdrawal_reason == Case.WithdrawalReason.SUBMITTED_IN_ERROR
    assert case.closed_by == case.created_by
    assert "Submitted in error" in case.events.get(kind=CaseEvent.Kind.WITHDRAWN).text
    assert told() == set()
    allocated = AllocatedCaseFactory()
    with pytest.raises(CaseStateError):
        services.case_submission_withdraw(case_id=allocated.pk, user=allocated.created_by, reason="duplicate")


def test_a_returned_submission_is_corrected_and_resubmitted_and_each_round_is_kept():
    case = AwaitingAllocationCaseFactory()
    supervisor = SupervisorProfileFactory().user
    services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.RETURNED,
                                  reasons="The crime reference is another force's")
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT and case.is_returned
    assert told() == {case.created_by_id}
    note = Notification.objects.get()
    assert "another force's" in note.text and note.url == f"/intake/{case.pk}/"
    with pytest.raises(CaseStateError):
        services.case_draft_delete(case_id=case.pk, user=case.created_by)  # a trail: withdrawn, never deleted
    crime = case.crimes.get()
    services.intake_crime_save(case=case, user=case.created_by, data=crime_data(crime, reference="CR/77777/26"),
                               offences=list(crime.offences.all()), read_version=crime.version)
    Notification.objects.all().delete()
    services.intake_submit(case=case, user=case.created_by, decision="submitted", route=Case.Route.DEFERRED_CHARGE)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.returns.get().resubmitted_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.RESUBMITTED).exists()
    assert CaseBaseline.objects.get(case=case).route == Case.Route.DEFERRED_CHARGE  # one baseline, brought up to date
    assert told() == {supervisor.pk}
    services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.RETURNED, reasons="Again")
    assert case.returns.count() == 2


def test_a_supervisor_refuses_an_override_and_only_the_officer_hears():
    case = ReadyDraftCaseFactory(draft_answers={**ReadyDraftCaseFactory._meta.declarations["draft_answers"].function(),
                                                "consent": "no"})
    services.intake_submit(case=case, user=case.created_by, decision="overridden", route=Case.Route.DEFERRED_CAUTION,
                           override_reason="Consent expected tomorrow")
    supervisor = SupervisorProfileFactory().user
    StaffProfileFactory()
    services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.OVERRIDE_REFUSED,
                                  reasons="No consent, no scheme")
    case.refresh_from_db()
    assert case.status == Case.Status.INELIGIBLE and case.closed_by == supervisor
    assert case.events.get(kind=CaseEvent.Kind.OVERRIDE_REFUSED).text == "No consent, no scheme"
    assert told() == {case.created_by_id}
    eligible = AwaitingAllocationCaseFactory()
    with pytest.raises(CaseStateError):
        services.submission_send_back(case_id=eligible.pk, user=supervisor, kind=SubmissionReturn.Kind.OVERRIDE_REFUSED,
                                      reasons="Not an override")
    with pytest.raises(ValidationError):
        services.submission_send_back(case_id=eligible.pk, user=supervisor, kind=SubmissionReturn.Kind.RETURNED, reasons="")


def test_a_draft_is_never_returned_and_an_allocated_case_is_never_returned():
    supervisor = SupervisorProfileFactory().user
    cases = (CrimeFactory().case, AllocatedCaseFactory())
    before = Notification.objects.count()  # the allocation told its keyworker
    for case in cases:
        with pytest.raises(CaseStateError):
            services.submission_send_back(case_id=case.pk, user=supervisor, kind=SubmissionReturn.Kind.RETURNED, reasons="x")
    assert SubmissionReturn.objects.count() == 0 and Notification.objects.count() == before
    assert DraftCaseFactory().returns.count() == 0


def test_the_changes_list_shows_who_what_before_after_and_why_to_the_officer_and_on_the_case(client):
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    services.person_correct(case_id=case.pk, user=keyworker, data=CONTACT, reason="Moved to Lemon Street")
    client.force_login(keyworker)
    page = client.get(f"/cases/{case.pk}/history/changes/").content.decode()
    assert "3 Lemon Street" in page and "12 Fore Street" in page and "Correction: Moved to Lemon Street" in page
    client.force_login(case.created_by)
    page = client.get(f"/intake/{case.pk}/").content.decode()
    assert 'data-testid="changes"' in page and "Correction: Moved to Lemon Street" in page
    assert "/correct/" not in page  # allocated: the officer no longer corrects it; the keyworker does


def test_the_officer_correction_pages_close_once_the_case_is_allocated(client):
    case = AllocatedCaseFactory()
    client.force_login(case.created_by)
    response = client.get(f"/intake/{case.pk}/correct/person/")
    assert response.status_code == 302 and response["Location"] == f"/intake/{case.pk}/"
    response = client.post(f"/intake/{case.pk}/correct/person/", {**CONTACT, "reason": "Late", "record_version": "1"})
    assert response.status_code == 302
    assert Person.objects.get(pk=case.person_id).address_line_1 == "12 Fore Street"


def test_a_case_allocated_meanwhile_is_not_sent_back_and_the_supervisor_is_told_why(client):
    case = AllocatedCaseFactory()
    supervisor = SupervisorProfileFactory().user
    client.force_login(supervisor)
    response = client.get(f"/allocation/{case.pk}/send-back/", follow=True)
    assert "cannot be sent back" in response.content.decode()
    response = client.post(f"/allocation/{case.pk}/send-back/", {"kind": "returned", "reasons": "Late"}, follow=True)
    assert "cannot be returned to the officer" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.ALLOCATED and not SubmissionReturn.objects.exists()


def test_a_victim_missed_at_submission_is_added_with_the_reason_kept():
    case = AwaitingAllocationCaseFactory()
    victim = services.victim_add(case_id=case.pk, user=case.created_by, reason="Came forward after submission",
                                 data={"name": "Tamsin Keast", "phone": "", "email": "", "view": Victim.View.NOT_ASKED,
                                       "restorative_consent": Victim.RestorativeConsent.NOT_ASKED, "date_asked": None})
    record = victim.history.get()
    assert (record.history_user, record.history_change_reason) == (case.created_by, "Correction: Came forward after submission")
    assert "Victim added: Tamsin Keast" in case.events.get(kind=CaseEvent.Kind.CORRECTED).text
    assert told() == set()


def test_disposal_removes_the_reasons_of_corrections_and_returns():
    case = AwaitingAllocationCaseFactory()
    services.person_correct(case_id=case.pk, user=case.created_by, data=CONTACT, reason="Lives with his aunt now")
    services.submission_send_back(case_id=case.pk, user=SupervisorProfileFactory().user, kind=SubmissionReturn.Kind.RETURNED,
                                  reasons="Ask about the aunt's address")
    services.case_personal_data_erase(case_id=case.pk, erase_person=True)
    assert SubmissionReturn.objects.get(case=case).reasons == ""
    assert not Person.history.filter(id=case.person_id, history_change_reason__icontains="aunt").exists()


def identity(person: Person, **changes) -> dict:
    return {**{name: getattr(person, name) for name in services.IDENTITY_FIELDS}, **changes}


def test_the_persons_identity_is_corrected_with_a_reason_in_the_history_and_the_age_rechecked():
    supervisors = {SupervisorProfileFactory().user.pk}
    case = AwaitingAllocationCaseFactory()
    person = case.person
    offence_date = case.crimes.get().offence_date
    twenty_two = offence_date.replace(year=offence_date.year - 22) - timedelta(days=1)
    summary = services.person_identity_correct(
        case_id=case.pk, user=case.created_by, read_version=person.version, reason="Spelt from the custody record",
        data=identity(person, last_name="Tregenza", date_of_birth=twenty_two, pnc_id="26/1234a"))
    person.refresh_from_db()
    case.refresh_from_db()
    assert (person.last_name, person.date_of_birth, person.pnc_id) == ("Tregenza", twenty_two, "2026/0001234A")
    assert person.name_key == services.name_key(person.first_names, "Tregenza")
    latest = person.history.latest()
    assert latest.history_change_reason == "Correction: Spelt from the custody record" and latest.history_user == case.created_by
    assert latest.prev_record.last_name != "Tregenza"
    event = case.events.get(kind=CaseEvent.Kind.CORRECTED)
    assert "identity" in event.text and "date of birth" in event.text and "Spelt from the custody record" in event.text
    assert summary == "" and told() == set()  # 22 on the offence date: still eligible, now the young adult offer
    assert case.young_adult_offer and CaseBaseline.objects.get(case=case).age == 22
    # A date of birth that makes them 17 on the offence date: checked again, now ineligible, the supervisors told.
    seventeen = offence_date.replace(year=offence_date.year - 17)
    summary = services.person_identity_correct(case_id=case.pk, user=case.created_by, read_version=person.version,
                                               reason="The PNC has the right date", data=identity(person, date_of_birth=seventeen))
    assert "now ineligible" in summary and "before" in summary
    case.refresh_from_db()
    assert case.review_flag.startswith(services.REVIEW_FLAG_INELIGIBLE) and told() == supervisors


def test_an_identity_correction_is_refused_at_its_field_for_a_used_pnc_id_a_late_birth_or_no_reason():
    case = AwaitingAllocationCaseFactory()
    other = AwaitingAllocationCaseFactory().person
    Person.objects.filter(pk=other.pk).update(pnc_id="2026/0000001A")
    person = case.person
    for data, reason, field in (
        (identity(person, pnc_id="2026/0000001A"), "Typo", "pnc_id"),
        (identity(person, date_of_birth=case.crimes.get().offence_date + timedelta(days=1)), "Typo", "date_of_birth"),
        (identity(person, last_name="Tregenza"), "", "reason"),
        (identity(person), "Nothing to change", "reason"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.person_identity_correct(case_id=case.pk, user=case.created_by, data=data, reason=reason,
                                             read_version=Person.objects.get(pk=person.pk).version)
        assert field in refused.value.message_dict
    assert Person.objects.get(pk=person.pk).last_name == person.last_name
    with pytest.raises(EditConflict):
        services.person_identity_correct(case_id=case.pk, user=case.created_by, data=identity(person, last_name="X"),
                                         reason="Stale", read_version=person.version - 1)
