from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseEvent, CaseStateError, FirstContact
from contracts.models import Contact, KeyworkerAction, NeedDomain, NeedsAssessment
from contracts.services.assessment import keyworker_action_record, needs_assessment_record
from contracts.services.contacts import contact_outcome_record, contact_record
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def keyworker_of(case):
    return case.allocations.get(ended_at=None).keyworker


def consent(case, answer="accepted", **kwargs):
    return case_services.case_first_contact_record(
        case_id=case.pk, user=keyworker_of(case), offered_on=timezone.localdate(), method="phone", answer=answer, **kwargs
    )


def all_scores(score=1, safeguarding_domain=None):
    return {
        domain.pk: {"score": score, "notes": "", "safeguarding": domain.code == safeguarding_domain}
        for domain in NeedDomain.objects.filter(is_active=True)
    }


def test_accepting_moves_the_case_to_assessment_and_records_who_and_how():
    case = AllocatedCaseFactory()
    contact = consent(case, notes="Keen to start")
    case.refresh_from_db()
    assert case.status == Case.Status.ASSESSMENT
    assert (contact.answer, contact.method, contact.recorded_by) == ("accepted", "phone", keyworker_of(case))
    assert list(case.events.values_list("kind", flat=True))[:2] == [CaseEvent.Kind.ACCEPTED, CaseEvent.Kind.FIRST_CONTACT]


def test_declining_closes_the_case_keeps_it_and_emails_the_officer(django_capture_on_commit_callbacks):
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    with django_capture_on_commit_callbacks(execute=True):
        consent(case, answer="declined")
    case.refresh_from_db()
    assert case.status == Case.Status.DECLINED
    assert case.closed_at is not None and case.closed_by == holder
    crime = case.crimes.get()
    [email] = mail.outbox
    assert email.to == [crime.officer_email]
    assert crime.reference in email.subject and "opted for court" in email.body
    disclosure = AccessLog.objects.filter(kind=AccessLog.Kind.DISCLOSURE).latest("id")  # the allocation's came first
    assert (disclosure.recipient, disclosure.person_id) == (crime.officer_email, case.person_id)
    assert "declined" in disclosure.justification
    assert Case.objects.filter(pk=case.pk).exists()
    allocation = case.allocations.get()
    assert (allocation.end_reason, allocation.ended_at) == ("case_closed", case.closed_at)  # no longer in the load


def test_consent_cannot_be_recorded_twice_or_before_allocation():
    case = AllocatedCaseFactory()
    consent(case)
    with pytest.raises(CaseStateError, match="cannot be moved to assessment"):
        consent(case)
    assert FirstContact.objects.filter(case=case).count() == 1


def test_an_offer_in_the_future_is_refused():
    case = AllocatedCaseFactory()
    with pytest.raises(ValidationError, match="today or in the past"):
        case_services.case_first_contact_record(
            case_id=case.pk, user=keyworker_of(case), offered_on=timezone.localdate() + timedelta(days=1),
            method="phone", answer="accepted",
        )
    case.refresh_from_db()
    assert case.status == Case.Status.ALLOCATED


def test_the_needs_assessment_scores_every_domain_and_notes_safeguarding():
    case = AllocatedCaseFactory()
    consent(case)
    assessment = needs_assessment_record(
        case_id=case.pk, user=keyworker_of(case), kind="baseline", data={"strengths": "Family support"},
        scores=all_scores(2, safeguarding_domain="mental_health"),
    )
    assert assessment.scores.count() == NeedDomain.objects.filter(is_active=True).count() == 12
    assert assessment.safeguarding
    safeguarding = case.events.get(kind=CaseEvent.Kind.SAFEGUARDING)
    assert "Mental health and wellbeing" in safeguarding.text


def test_an_assessment_missing_a_domain_is_refused_and_nothing_saved():
    case = AllocatedCaseFactory()
    consent(case)
    scores = all_scores()
    scores.pop(NeedDomain.objects.get(code="drugs").pk)
    with pytest.raises(ValidationError, match="Drugs not scored"):
        needs_assessment_record(case_id=case.pk, user=keyworker_of(case), kind="baseline", data={}, scores=scores)
    assert not NeedsAssessment.objects.exists()


def test_correcting_an_assessment_replaces_its_scores_and_keeps_its_history():
    case = AllocatedCaseFactory()
    consent(case)
    needs_assessment_record(case_id=case.pk, user=keyworker_of(case), kind="baseline", data={}, scores=all_scores(3))
    assessment = needs_assessment_record(
        case_id=case.pk, user=keyworker_of(case), kind="baseline", data={"goals": "Work"}, scores=all_scores(1)
    )
    assert set(assessment.scores.values_list("score", flat=True)) == {1}
    assert assessment.history.count() == 2


@pytest.mark.parametrize("status, kind", [("allocated", "baseline"), ("assessment", "closing")])
def test_an_assessment_out_of_its_stage_is_refused(status, kind):
    case = AllocatedCaseFactory()
    if status == "assessment":
        consent(case)
    with pytest.raises(CaseStateError, match="cannot be recorded"):
        needs_assessment_record(case_id=case.pk, user=keyworker_of(case), kind=kind, data={}, scores=all_scores())


def test_a_safeguarding_alert_needs_its_concern_and_goes_on_the_timeline():
    case = AllocatedCaseFactory()
    data = {"kind": "safeguarding", "concern": "", "sent_to": "MASH", "reference": "", "offence": None,
            "raised_on": date.today(), "notes": ""}
    with pytest.raises(ValidationError, match="Select what the safeguarding concern is about"):
        keyworker_action_record(case_id=case.pk, user=keyworker_of(case), data=data)
    keyworker_action_record(case_id=case.pk, user=keyworker_of(case), data={**data, "concern": "child_at_risk"})
    assert KeyworkerAction.objects.get().concern == "child_at_risk"
    assert case.events.filter(kind=CaseEvent.Kind.SAFEGUARDING).exists()


def test_nothing_more_is_recorded_on_a_closed_case():
    case = AllocatedCaseFactory()
    holder = keyworker_of(case)
    consent(case, answer="declined")
    with pytest.raises(CaseStateError, match="is closed"):
        keyworker_action_record(case_id=case.pk, user=holder, data={
            "kind": "intelligence", "concern": "", "sent_to": "", "reference": "INT-1", "offence": None,
            "raised_on": date.today(), "notes": "",
        })


def test_the_outcome_of_another_cases_appointment_is_refused_and_nothing_changes():
    case, other = AllocatedCaseFactory(), AllocatedCaseFactory()
    booked = contact_record(case_id=other.pk, user=keyworker_of(other), data={
        "type": "phone", "starts_at": timezone.now() + timedelta(hours=1), "place": "", "outcome": "",
        "duration_minutes": None, "notes": ""})
    Contact.objects.filter(pk=booked.pk).update(starts_at=timezone.now() - timedelta(minutes=5))  # its time has passed
    with pytest.raises(CaseStateError, match="Nothing was changed"):
        contact_outcome_record(case_id=case.pk, user=keyworker_of(case), contact_id=booked.pk,
                               outcome="attended", duration_minutes=30, notes="")
    booked.refresh_from_db()
    assert booked.outcome == ""
