"""Retention: review dates, the monthly list, retain and dispose decisions, and what disposal keeps."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases.models import Case, CaseBaseline, CaseEvent, Crime, FirstContact, Person, Victim
from contracts.models import Contact, Contract, Condition
from contracts.services.contacts import contact_record
from contracts.tests.test_closure import active_case
from evaluation.models import ReoffendingDefinition
from evaluation.services import reoffending_check_run
from evaluation.tests.factories import CrimeRecordFactory
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, TeamManagerFactory
from oocr.notifications.models import Delivery, Reminder
from oocr.tests.govuk import assert_error_at
from referrals.selectors import referral_report
from retention import selectors, services
from retention.models import RetentionDecisionError, RetentionReview
from retention.tasks import list_reviews

pytestmark = pytest.mark.django_db



def closed(case, years_ago: float, status=Case.Status.COMPLETED):
    closed_at = timezone.now() - timedelta(days=round(365.25 * years_ago))
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=closed_at, outcome_code=22)
    case.refresh_from_db()
    return case


def test_a_closed_case_is_reviewed_six_years_after_closure_and_the_period_is_configurable(settings):
    case = closed(AllocatedCaseFactory(), years_ago=1)
    assert selectors.case_retention_review_date(case=case) == selectors.years_after(timezone.localdate(case.closed_at), 6)
    settings.RETENTION_REVIEW_YEARS = 10
    assert selectors.case_retention_review_date(case=case) == selectors.years_after(timezone.localdate(case.closed_at), 10)
    assert selectors.case_retention_review_date(case=AllocatedCaseFactory()) is None


def test_the_monthly_job_lists_cases_due_once_and_leaves_the_rest():
    due = closed(AllocatedCaseFactory(), years_ago=6.1)
    closed(AllocatedCaseFactory(), years_ago=5.9)
    AllocatedCaseFactory()  # open
    assert list_reviews.delay().get() == {"added": 1}
    assert list_reviews.delay().get() == {"added": 0}
    assert list(RetentionReview.objects.values_list("case_id", "decision")) == [(due.pk, "")]


def test_the_job_is_scheduled_monthly():
    task = PeriodicTask.objects.get(task="retention.list_reviews")
    assert (task.crontab.day_of_month, task.crontab.hour, task.enabled) == ("1", "5", True)


def test_retaining_needs_a_reason_and_a_future_date_and_lists_the_case_again_then():
    case = closed(AllocatedCaseFactory(), years_ago=6.1)
    services.retention_reviews_list(today=timezone.localdate())
    review = RetentionReview.objects.get()
    reviewer = TeamManagerFactory()
    with pytest.raises(ValidationError) as error:
        services.retention_decide(review_id=review.pk, user=reviewer, decision="retain", reason=" ", retain_until=None)
    assert set(error.value.message_dict) == {"reason", "retain_until"}
    review.refresh_from_db()
    assert review.decision == ""
    until = timezone.localdate() + timedelta(days=365)
    services.retention_decide(review_id=review.pk, user=reviewer, decision="retain", reason="Linked investigation open",
                              retain_until=until)
    with pytest.raises(RetentionDecisionError):
        services.retention_decide(review_id=review.pk, user=reviewer, decision="dispose", reason="Changed my mind")
    assert services.retention_reviews_list(today=timezone.localdate()) == 0
    assert services.retention_reviews_list(today=until) == 1
    assert list(case.retention_reviews.order_by("id").values_list("decision", "due_on")) == [
        ("retain", review.due_on), ("", until)]


def figures():
    """What the evaluation and the reports count: they must not change when personal data is disposed of."""
    return {
        "cases": list(Case.objects.values("status", "route", "outcome_code", "young_adult_offer", "womens_offer")
                      .annotate(n=Count("id")).order_by("status", "route", "outcome_code")),
        "dates": list(Case.objects.order_by("id").values_list("submitted_at", "closed_at")),
        "baselines": list(CaseBaseline.objects.order_by("case_id").values(
            "case_id", "age", "sex", "ethnicity", "offence_codes", "crime_subgroups", "route", "previous_offences",
            "home_postcode_area")),
        "offences": list(Crime.objects.order_by("id").values_list("case_id", "offences__code", "offence_date")),
        "contracts": list(Contract.objects.order_by("id").values_list("case_id", "status", "start_date", "end_date")),
        "conditions": list(Condition.objects.order_by("id").values_list("kind", "due_date", "status")),
        "contacts": list(Contact.objects.order_by("id").values_list("case_id", "type", "outcome", "starts_at")),
        "events": list(CaseEvent.objects.order_by("id").values_list("case_id", "kind", "at")),
        "referrals": referral_report(),
    }


def reoffending_figures() -> list[tuple]:
    """A fresh reoffending check's results per case (what the cohort report counts)."""
    definition = ReoffendingDefinition.objects.get(name__startswith="Proven reoffending")
    run = reoffending_check_run(definition_id=definition.pk, as_of=timezone.localdate())
    return list(run.results.order_by("case_id", "follow_up_months").values_list(
        "case_id", "follow_up_months", "start_date", "reached_follow_up", "reoffended", "reoffence_count", "harm_after"))


def test_disposal_removes_personal_data_keeps_the_evaluation_record_and_the_same_figures():
    case, holder, _ = active_case()
    contact_record(case_id=case.pk, user=holder, data={
        "type": "face_to_face", "starts_at": timezone.now() - timedelta(days=1), "place": "Truro library",
        "outcome": "attended", "duration_minutes": 30, "notes": "Spoke about his daughter's school",
        "outside_reason": "The closing meeting, after the contract ended"})
    closed(case, years_ago=6.5)
    person = case.person
    person_before = Person.objects.get(pk=person.pk)
    Victim.objects.create(crime=case.crimes.first(), name="Vera Victim", phone="07700900982")
    Delivery.objects.create(key="sms-1", channel="sms", template="reminder", person=person, recipient="07700900982",
                            body="Your appointment is tomorrow at Truro library")
    Delivery.objects.create(key=f"officer:declined:case{case.pk}", channel="email", template="officer_declined",
                            recipient="pc.smith@example.police.uk", subject=f"{person.last_name} declined", body="Proceed to court")
    Reminder.objects.create(key="r-1", kind="appointment", run_date=timezone.localdate(), person=person, case=case,
                            text="Appointment with Dean at Truro library")
    case.refresh_from_db()
    FirstContact.objects.filter(case=case).update(offered_on=timezone.localdate(case.closed_at) - timedelta(days=120))  # the decision
    later = timezone.localdate(case.closed_at) + timedelta(days=30)
    record = CrimeRecordFactory(person=person, pnc_id="12/345678X", offence_code="AS-ABH", offence_date=later,
                                outcome_date=later + timedelta(days=40), event_type="conviction")
    CrimeRecordFactory(person=person, crime_reference=record.crime_reference, offence_code="AS-ABH", offence_date=later,
                       outcome_date=later + timedelta(days=2), event_type="charge")  # the same crime: counted once
    services.retention_reviews_list(today=timezone.localdate())
    review = RetentionReview.objects.get()
    before = {**figures(), "reoffending": reoffending_figures()}
    assert any(reoffended for *_, reoffended, _count, _harm in before["reoffending"])  # the later conviction counts

    services.retention_decide(review_id=review.pk, user=AdministratorFactory(), decision="dispose", reason="Review period over")

    assert {**figures(), "reoffending": reoffending_figures()} == before
    record.refresh_from_db()
    assert (record.surname, record.forenames, record.pnc_id, record.crime_reference, record.date_of_birth) == (
        "", "", "", f"DISPOSED-RMS-{record.pk}", date(person_before.date_of_birth.year, 1, 1))
    assert (record.person_id, record.offence_code, record.offence_date) == (person.pk, "AS-ABH", later)
    person.refresh_from_db()
    assert (person.first_names, person.last_name, person.address_line_1, person.postcode, person.phone, person.email,
            person.pnc_id) == ("", "Disposed record", "", "", "", "", "")
    assert person.date_of_birth == date(person_before.date_of_birth.year, 1, 1)
    # The change history no longer holds the old values either.
    assert not Person.history.filter(id=person.pk, last_name=person_before.last_name).exists()
    assert not Person.history.filter(id=person.pk).exclude(postcode="").exists()
    assert set(Victim.objects.filter(crime__case=case).values_list("name", "phone")) == {("Disposed record", "")}
    assert not Contact.objects.filter(case=case).exclude(notes="").exists()
    assert not Contact.objects.filter(case=case).exclude(outside_reason="").exists()
    assert not Contact.history.filter(case_id=case.pk).exclude(notes="").exists()
    assert not Crime.objects.filter(case=case).exclude(officer_name="").exists()
    assert not CaseEvent.objects.filter(case=case).exclude(text="").exists()
    assert CaseBaseline.objects.filter(case=case).exists()
    assert list(Delivery.objects.filter(key="sms-1").values_list("recipient", "body", "status")) == [("", "", "pending")]
    assert Reminder.objects.get(key="r-1").text == ""
    assert list(Delivery.objects.filter(key=f"officer:declined:case{case.pk}").values_list("recipient", "subject", "body")) == [
        ("pc.smith@example.police.uk", "", "")]
    # Every email about the case, to the officer or to staff (allocation, decisions), keeps who and when, not the words.
    assert set(Delivery.objects.filter(key__endswith=f":case{case.pk}").values_list("subject", "body")) == {("", "")}
    assert Delivery.objects.filter(key__endswith=f":case{case.pk}", template="case_allocated").exists()
    # The inbox items about the case (its allocation told the keyworker) keep that they were sent, not their words.
    from oocr.notifications.models import Notification
    from oocr.notifications.services import DISPOSED_TEXT

    assert Notification.objects.filter(case=case).exists()
    assert set(Notification.objects.filter(case=case).values_list("text", flat=True)) == {DISPOSED_TEXT}
    review.refresh_from_db()
    assert (review.decision, review.reason) == ("dispose", "Review period over")
    assert services.retention_reviews_list(today=timezone.localdate() + timedelta(days=3650)) == 0


def test_a_person_keeps_their_details_while_another_closed_case_of_theirs_is_still_held():
    old = closed(AllocatedCaseFactory(), years_ago=7)
    recent = closed(AllocatedCaseFactory(), years_ago=1)
    Case.objects.filter(pk=recent.pk).update(person=old.person)
    record = CrimeRecordFactory(person=old.person, pnc_id="12/345678X")
    services.retention_reviews_list(today=timezone.localdate())
    services.retention_decide(review_id=RetentionReview.objects.get().pk, user=AdministratorFactory(),
                              decision="dispose", reason="Period over")
    old.person.refresh_from_db()
    record.refresh_from_db()
    assert old.person.last_name != "Disposed record" and record.pnc_id == "12/345678X"
    assert not Crime.objects.filter(case=old).exclude(officer_name="").exists()


def test_a_person_with_another_open_case_keeps_their_details_when_an_old_case_is_disposed():
    old = closed(AllocatedCaseFactory(), years_ago=7)
    newer = AllocatedCaseFactory()
    Case.objects.filter(pk=newer.pk).update(person=old.person)
    services.retention_reviews_list(today=timezone.localdate())
    services.retention_decide(review_id=RetentionReview.objects.get().pk, user=AdministratorFactory(),
                              decision="dispose", reason="Period over")
    old.person.refresh_from_db()
    assert old.person.last_name != "Disposed record"
    assert not Crime.objects.filter(case=old).exclude(officer_name="").exists()


def test_the_review_page_records_a_decision_with_clear_errors(client):
    case = closed(AllocatedCaseFactory(person__last_name="Quillerbrook"), years_ago=6.1)  # a name no page holds by chance
    services.retention_reviews_list(today=timezone.localdate())
    review = RetentionReview.objects.get()
    client.force_login(TeamManagerFactory())
    listing = client.get(reverse("retention:review_list")).content.decode()
    assert case.number in listing
    assert case.person.last_name not in listing  # the decision needs no name
    url = reverse("retention:review_decide", args=[review.pk])
    page = client.post(url, {"decision": "retain", "reason": ""}).content.decode()
    assert "Give the reason for the decision" in page
    assert "Enter a date in the future for the next review" in page
    response = client.post(url, {"decision": "retain", "reason": "<script>alert(1)</script>",
                                 "retain_until_0": "1", "retain_until_1": "4", "retain_until_2": str(timezone.localdate().year + 2)})
    assert response.status_code == 302
    listing = client.get(reverse("retention:review_list")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "<script>alert(1)" not in listing


def test_only_reviewers_see_the_retention_pages(client):
    closed(AllocatedCaseFactory(), years_ago=6.1)
    services.retention_reviews_list(today=timezone.localdate())
    client.force_login(KeyworkerFactory())
    assert client.get(reverse("retention:review_list")).status_code == 403
    assert client.post(reverse("retention:review_decide", args=[RetentionReview.objects.get().pk]),
                       {"decision": "dispose", "reason": "x"}).status_code == 403
    assert RetentionReview.objects.get().decision == ""


def test_the_review_list_costs_the_same_queries_however_many_reviews(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    closed(AllocatedCaseFactory(), years_ago=6.1)
    services.retention_reviews_list(today=timezone.localdate())
    client.force_login(AdministratorFactory())
    url = reverse("retention:review_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        closed(AllocatedCaseFactory(), years_ago=6.2)
    services.retention_reviews_list(today=timezone.localdate())
    first = RetentionReview.objects.first()
    services.retention_decide(review_id=first.pk, user=AdministratorFactory(), decision="retain", reason="Open appeal",
                              retain_until=timezone.localdate() + timedelta(days=400))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["reviews"]) == 4 and len(response.context["decided"]) == 1
    assert len(many) == len(few)


def test_a_record_is_retained_at_most_the_configured_years_and_the_page_says_until_when(client, settings):
    settings.RETENTION_RETAIN_MAX_YEARS = 3
    closed(AllocatedCaseFactory(), years_ago=6.1)
    services.retention_reviews_list(today=timezone.localdate())
    review = RetentionReview.objects.get()
    today = timezone.localdate()
    latest = RetentionReview.latest_retain_until(today)
    message = f"The next review must be on or before {latest:%-d %B %Y}, 3 years from today at most"
    with pytest.raises(ValidationError) as refused:
        services.retention_decide(review_id=review.pk, user=TeamManagerFactory(), decision="retain", reason="Linked case",
                                  retain_until=latest + timedelta(days=1))
    assert refused.value.message_dict == {"retain_until": [message]}
    client.force_login(TeamManagerFactory())
    far = date(today.year + 20, 1, 1)
    response = client.post(reverse("retention:review_decide", args=[review.pk]), {
        "decision": "retain", "reason": "Linked case", "retain_until_0": "1", "retain_until_1": "1",
        "retain_until_2": str(far.year)})
    assert_error_at(response, "id_retain_until_0", message)
    review.refresh_from_db()
    assert (review.decision, review.retain_until) == ("", None)
    services.retention_decide(review_id=review.pk, user=TeamManagerFactory(), decision="retain", reason="Linked case",
                              retain_until=latest)
    assert RetentionReview.objects.get(pk=review.pk).retain_until == latest


def test_the_latest_retain_until_date_survives_29_february(settings):
    settings.RETENTION_RETAIN_MAX_YEARS = 1
    assert RetentionReview.latest_retain_until(date(2028, 2, 29)) == date(2029, 2, 28)
