"""The daily reminders job: what is due on a day, and each reminder recorded and sent exactly once."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, Person
from contracts.models import NeedDomain
from contracts.reminders import KINDS, due_on
from contracts.services.closure import closure_propose
from contracts.services.contacts import contact_record
from contracts.services.contract import condition_progress_record, contract_sign
from contracts.services.reminders import reminders_send
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import BookedContactFactory, breach_record
from contracts.tests.test_contracts import add, assessed_case
from keyworkers.models import StaffProfile
from keyworkers.tests.factories import SupervisorProfileFactory, TeamFactory
from oocr.accounts.tests.factories import SupervisorFactory
from oocr.notifications import services as notification_services
from oocr.notifications.models import Delivery, Notification, Reminder
from referrals import services as referral_services
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FRIDAY = TODAY + timedelta(days=7 + (4 - TODAY.weekday()) % 7)  # a Friday at least a week ahead
MONDAY = FRIDAY + timedelta(days=3)


@pytest.fixture(autouse=True)
def sms_file(settings, tmp_path) -> Path:
    settings.SMS_BACKEND = "oocr.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return tmp_path / "sms.log"


def contract(*, due: list[date] = (), signed_on: date | None = None, reminders_by: str = "", **person):
    """An active contract with a debt advice condition due on each date: (case, keyworker, conditions)."""
    signed_on = signed_on or TODAY - timedelta(weeks=1)
    case, holder = assessed_case(offered_on=signed_on, **{f"person__{field}": value for field, value in person.items()})
    finance = NeedDomain.objects.get(code="finance")
    conditions = [add(case, holder, "Debt advice", due_date=day, need_domain=finance) for day in due]
    if not due:  # a contract needs a condition; one that repeats has no due date to remind of
        add(case, holder, "Debt advice", due_date=None, recurrence="Fortnightly", need_domain=finance)
    contract_sign(case_id=case.pk, user=holder, agreement="verbal", signed_on=signed_on)
    Person.objects.filter(pk=case.person_id).update(reminders_by=reminders_by)
    # The allocation's emails went at once (issue 16), not by the reminders job: these tests count only the job's.
    Delivery.objects.all().delete()
    case.refresh_from_db()
    return case, holder, conditions


def kinds(on: date, case, lead_days=None) -> list[tuple[str, str]]:
    """The keyworker's and the person's reminders about a case (supervisors' reviews are tested on their own)."""
    return sorted((item.kind, item.period) for item in due_on(on, lead_days=lead_days or {})
                  if item.case_id == case.pk and KINDS[item.kind].audience != "supervisor")


def run(on: date, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_send(on=on)


@pytest.mark.parametrize("on, expected", [
    (FRIDAY - timedelta(days=1), []),  # Thursday: four days' notice, more than the default three
    (FRIDAY, [("condition_due", f"{MONDAY}")]),  # Friday: due Monday, three days over the weekend
    (FRIDAY + timedelta(days=1), [("condition_due", f"{MONDAY}")]),  # the Saturday run sees it too (sent once)
    (MONDAY, [("condition_due", f"{MONDAY}")]),  # due today
    (MONDAY + timedelta(days=1), [("condition_overdue", f"{MONDAY}+w0")]),
    (MONDAY + timedelta(days=7), [("condition_overdue", f"{MONDAY}+w0")]),
    (MONDAY + timedelta(days=8), [("condition_overdue", f"{MONDAY}+w1")]),  # weekly while it stays overdue
])
def test_a_condition_is_due_within_the_notice_period_then_overdue_weekly(on, expected):
    case, _, _ = contract(due=[MONDAY])
    assert kinds(on, case) == expected


def test_each_keyworker_chooses_their_notice_period():
    case, holder, _ = contract(due=[MONDAY])
    wednesday = FRIDAY - timedelta(days=2)
    assert kinds(wednesday, case) == []
    assert kinds(wednesday, case, {holder.pk: 5}) == [("condition_due", f"{MONDAY}")]


def test_a_met_condition_and_a_closed_case_are_not_reminded(django_capture_on_commit_callbacks):
    case, holder, [condition] = contract(due=[TODAY - timedelta(days=2)])
    assert [kind for kind, _ in kinds(TODAY, case)] == ["condition_overdue"]
    condition_progress_record(case_id=case.pk, user=holder, condition_id=condition.pk, status="met",
                              evidence="Letter from the adviser", hours_done=0)
    assert kinds(TODAY, case) == []
    other, other_holder, _ = contract(due=[TODAY + timedelta(days=1)])
    closure_propose(case_id=other.pk, user=other_holder, result="withdrawn", withdrawal_reason="moved_away",
                    reason="Moved away.")
    assert kinds(TODAY, other) == []


@pytest.mark.parametrize("days_from_end, expected", [
    (-15, []),
    (-14, [("closing_assessment", "end"), ("contract_ending", "end")]),
    (0, [("closing_assessment", "end"), ("contract_ending", "end")]),  # the last day of the contract
    (1, [("contract_past_end", "end+w0")]),
    (9, [("contract_past_end", "end+w1")]),
])
def test_the_end_of_a_contract_around_its_last_day(days_from_end, expected):
    signed_on = TODAY - timedelta(weeks=15)
    case, _, _ = contract(signed_on=signed_on)
    end = case.contract.end_date
    assert end == signed_on + timedelta(weeks=16)
    on = end + timedelta(days=days_from_end)
    assert [(kind, period.replace(f"{end}", "end")) for kind, period in kinds(on, case)] == expected


def test_an_extension_moves_the_end_date_and_the_ending_is_reminded_again(django_capture_on_commit_callbacks):
    case, holder, _ = contract(signed_on=TODAY - timedelta(weeks=15))
    end = case.contract.end_date
    run(end - timedelta(days=10), django_capture_on_commit_callbacks)
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="Waiting list.",
                                 extension_days=21)
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)
    case.contract.refresh_from_db()
    assert case.contract.end_date == end + timedelta(days=21)
    assert kinds(end + timedelta(days=1), case) == []  # no longer past its end
    run(end + timedelta(days=8), django_capture_on_commit_callbacks)
    endings = Reminder.objects.filter(case=case, kind="contract_ending").order_by("run_date")
    assert [r.text.rsplit("ends ", 1)[1] for r in endings] == [f"{end:%a %-d %b}", f"{end + timedelta(days=21):%a %-d %b}"]


def test_appointments_tomorrow_remind_the_keyworker_and_the_person_who_agreed(sms_file, django_capture_on_commit_callbacks):
    case, holder, _ = contract(reminders_by="sms", phone="07700 900111", last_name="Trevithick")
    tomorrow_ten = timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(10)))  # 10:00 even the day before a clock change
    contact_record(case_id=case.pk, user=holder, data={
        "type": "face_to_face", "starts_at": tomorrow_ten, "place": "Truro police station", "outcome": "",
        "duration_minutes": 45, "notes": ""})
    silent, silent_holder, _ = contract(reminders_by="")
    contact_record(case_id=silent.pk, user=silent_holder, data={
        "type": "face_to_face", "starts_at": tomorrow_ten, "place": "Truro", "outcome": "", "duration_minutes": 45, "notes": ""})
    run(TODAY, django_capture_on_commit_callbacks)
    assert set(Reminder.objects.filter(case=case).values_list("kind", flat=True)) == {"appointment_tomorrow", "person_appointment"}
    assert set(Reminder.objects.filter(case=silent).values_list("kind", flat=True)) == {"appointment_tomorrow"}
    [text] = Delivery.objects.filter(channel="sms").values_list("body", flat=True)
    assert "appointment with your keyworker tomorrow" in text and "10:00, at Truro police station" in text
    offence = case.crimes.first().offences.first().title
    assert offence not in text and case.person.last_name not in text  # no offence details, no name
    assert text.startswith("Reminder: you have an appointment") and "Out of Court" not in text  # a shared phone shows this
    assert "to 07700 900111" in sms_file.read_text()


def test_what_a_person_is_sent_names_neither_the_police_nor_the_scheme_and_its_opening_is_a_setting(
        settings, sms_file, django_capture_on_commit_callbacks):
    settings.PERSON_MESSAGE_OPENING = "From Truro Wellbeing"
    case, _, _ = contract(due=[TODAY + timedelta(days=1)], reminders_by="sms", phone="07700 900222")
    run(TODAY, django_capture_on_commit_callbacks)
    [text] = Delivery.objects.filter(channel="sms").values_list("body", flat=True)
    assert text.startswith("From Truro Wellbeing: something you agreed to do is due on ")
    for word in ("police", "Police", "Out of Court", "OoCR", "contract", "offence", case.number):
        assert word not in text


def test_a_person_reminder_needs_the_way_they_chose_to_be_reachable(django_capture_on_commit_callbacks):
    case, _, _ = contract(due=[TODAY + timedelta(days=2)], reminders_by="email", email="")
    run(TODAY, django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(case=case, kind="person_condition").exists()
    assert not Delivery.objects.filter(person=case.person).exists()


def test_settings_switch_kinds_and_the_daily_email_off(django_capture_on_commit_callbacks):
    case, holder, _ = contract(due=[TODAY + timedelta(days=1), TODAY - timedelta(days=3)])
    notification_services.reminder_settings_update(user=holder, lead_days=3, email=False, kinds_on=["condition_due"],
                                                   kinds=["condition_due", "condition_overdue"])
    run(TODAY, django_capture_on_commit_callbacks)
    assert list(Reminder.objects.filter(user=holder).values_list("kind", flat=True)) == ["condition_due"]
    assert Notification.objects.filter(user=holder, text__startswith=f"{case.number}: ").count() == 1
    assert not Delivery.objects.filter(user=holder).exists() and not mail.outbox


def test_running_twice_on_the_same_date_sends_nothing_twice(django_capture_on_commit_callbacks):
    cases = [contract(due=[TODAY + timedelta(days=1), TODAY - timedelta(days=1)], reminders_by="sms") for _ in range(3)]
    first = run(TODAY, django_capture_on_commit_callbacks)
    sent = sorted(Delivery.objects.values_list("key", "status"))
    outbox = [(m.to, m.subject) for m in mail.outbox]
    second = run(TODAY, django_capture_on_commit_callbacks)
    assert (second.runs, second.reminders_made) == (2, first.reminders_made)
    assert sorted(Delivery.objects.values_list("key", "status")) == sent
    assert [(m.to, m.subject) for m in mail.outbox] == outbox
    # each keyworker: one digest with their two reminders; each person: one text for the condition due tomorrow
    assert len(outbox) == 3 and all(status == "sent" for _, status in sent)
    assert Delivery.objects.filter(channel="sms").count() == 3
    for case, holder, _ in cases:
        assert Notification.objects.filter(user=holder, text__startswith=f"{case.number}: ").count() == 2
        [digest] = Delivery.objects.filter(user=holder, template="digest")
        assert "rehabilitative condition due" in digest.body and "rehabilitative condition overdue" in digest.body


def test_a_run_that_died_after_half_its_messages_is_retried_and_sends_each_once(sms_file, django_capture_on_commit_callbacks):
    for _ in range(4):
        contract(due=[TODAY + timedelta(days=1)], reminders_by="sms")
    with django_capture_on_commit_callbacks(execute=False):  # the worker dies before any message task runs...
        reminders_send(on=TODAY)
    waiting = list(Delivery.objects.order_by("id").values_list("id", flat=True))
    assert len(waiting) == 8  # four digests, four texts
    for delivery_id in waiting[:4]:  # ...or half-way through them
        notification_services.delivery_send(delivery_id=delivery_id)
    sent_before = set(Delivery.objects.filter(status="sent").values_list("key", flat=True))
    assert len(sent_before) == 4
    keys = sorted(Delivery.objects.values_list("key", flat=True))
    run(TODAY, django_capture_on_commit_callbacks)  # the retry
    assert sorted(Delivery.objects.values_list("key", "status")) == [(key, "sent") for key in keys]
    assert sms_file.read_text().count("--- ") == 4  # each person's text once
    assert Reminder.objects.count() == 8  # condition due x4 to keyworkers, x4 to people
    assert len(mail.outbox) == 4 and len({tuple(m.to) for m in mail.outbox}) == 4


def test_a_failed_message_is_retried_then_given_up(settings, monkeypatch):
    from oocr.notifications.sms import SmsError, SmsTemporaryError

    delivery = Delivery.objects.create(key="k1", channel="sms", template="t", recipient="07700900000", body="x")
    failures = iter([SmsTemporaryError("503 - down")] * 5)

    class Flaky:
        def send(self, **kwargs):
            raise next(failures)

    monkeypatch.setattr("oocr.notifications.services.sms_backend", lambda: Flaky())
    outcomes = [notification_services.delivery_send(delivery_id=delivery.pk) for _ in range(5)]
    delivery.refresh_from_db()
    assert outcomes == ["retry"] * 4 + ["failed"]
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 5, "SmsTemporaryError: 503 - down")
    assert notification_services.delivery_send(delivery_id=delivery.pk) == "nothing"

    bad_number = Delivery.objects.create(key="k2", channel="sms", template="t", recipient="0", body="x")
    monkeypatch.setattr("oocr.notifications.services.sms_backend",
                        lambda: type("Refusing", (), {"send": lambda self, **kw: (_ for _ in ()).throw(SmsError("400 - bad number"))})())
    assert notification_services.delivery_send(delivery_id=bad_number.pk) == "failed"


def test_the_jobs_queries_do_not_grow_with_the_number_of_contracts(django_capture_on_commit_callbacks):
    def queries_of_a_run(on) -> int:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
            reminders_send(on=on)
        return len(queries)

    for _ in range(2):
        contract(due=[TODAY + timedelta(days=1), TODAY - timedelta(days=2)], reminders_by="sms")
    small = queries_of_a_run(TODAY)
    for _ in range(6):
        contract(due=[TODAY + timedelta(days=1), TODAY - timedelta(days=2)], reminders_by="sms")
    large = queries_of_a_run(TODAY + timedelta(days=1))
    assert Reminder.objects.filter(run_date=TODAY + timedelta(days=1)).count() > Reminder.objects.filter(run_date=TODAY).count()
    assert small == large


def test_the_command_takes_a_date_and_refuses_a_bad_one(capsys):
    case, _, [condition] = contract(due=[TODAY])
    yesterday = TODAY - timedelta(days=1)
    call_command("send_reminders", "--date", yesterday.isoformat())
    assert f"Reminders for {yesterday:%-d %B %Y}: " in capsys.readouterr().out
    assert Reminder.objects.get(kind="condition_due").key.startswith(f"condition_due:condition:{condition.pk}:")
    with pytest.raises(CommandError, match="Give the date as YYYY-MM-DD"):
        call_command("send_reminders", "--date", "01/03/2027")


def test_the_command_refuses_a_future_date_and_sends_nothing(capsys):
    contract(due=[TODAY + timedelta(days=2)])
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(CommandError, match=(
        f"The date {tomorrow:%-d %B %Y} is in the future: reminders are sent for today \\({TODAY:%-d %B %Y}\\) "
        "or a day that has passed"
    )):
        call_command("send_reminders", "--date", tomorrow.isoformat())
    assert not Reminder.objects.exists()


def test_supervisors_are_told_of_reviews_due_and_proposals_waiting_but_not_their_own(django_capture_on_commit_callbacks):
    from keyworkers.models import StaffProfile

    case, holder, _ = contract()
    team = StaffProfile.objects.get(user=holder).team
    supervisors = list(StaffProfile.objects.filter(team=team, user__groups__name="Supervisor").values_list("user_id", flat=True))
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="Waiting list.",
                                 extension_days=7)
    run(TODAY, django_capture_on_commit_callbacks)
    waiting = Reminder.objects.filter(kind="proposal_waiting", case=case)
    assert sorted(waiting.values_list("user_id", flat=True)) == sorted(supervisors) and supervisors
    assert all(r.url == f"/allocation/decisions/variations/{proposal.pk}/" for r in waiting)
    assert holder.pk not in waiting.values_list("user_id", flat=True)


def test_a_referral_past_the_partners_expected_time_reminds_its_keyworker_once(django_capture_on_commit_callbacks):
    case, holder, _ = contract()
    partner = PartnerFactory(acknowledge_days=5, appointment_days=15)
    referral = referral_services.referral_create(case_id=case.pk, user=holder, partner=partner, shared="Drinking daily.",
                                                 need_domain=NeedDomain.objects.get(code="alcohol"), consent_to_share=True)
    friday = TODAY - timedelta(days=(TODAY.weekday() - 4) % 7 + 14)  # a Friday two to three weeks ago
    referral = referral_services.referral_send(case_id=case.pk, referral_id=referral.pk, user=holder, sent_by="phone", on=friday)
    assert referral.acknowledge_by == friday + timedelta(days=7)  # five working days, over the weekend
    assert "referral_overdue" not in dict(kinds(referral.acknowledge_by, case))
    assert "referral_overdue" in dict(kinds(referral.acknowledge_by + timedelta(days=1), case))
    run(TODAY, django_capture_on_commit_callbacks)
    run(TODAY, django_capture_on_commit_callbacks)
    [reminder] = Reminder.objects.filter(kind="referral_overdue")
    assert (reminder.user_id, reminder.url) == (holder.pk, f"/cases/{case.pk}/referrals/{referral.pk}/")
    assert f"not acknowledged by {referral.acknowledge_by:%-d %b}" in reminder.text


def test_a_kind_registered_by_an_app_above_is_listed_with_its_audience_and_collected_once():
    """Referrals registers its reminder with the job at start-up; registering again (ready() run twice) adds nothing."""
    from contracts.reminders import _COLLECTORS, AUDIENCES, STAFF_KINDS
    from referrals import reminders as referral_reminders

    referral_reminders.register()
    audiences = [kind.audience for kind in KINDS.values()]
    assert audiences == sorted(audiences, key=AUDIENCES.index)
    assert list(STAFF_KINDS).index("referral_overdue") < list(STAFF_KINDS).index("review_due")
    assert _COLLECTORS.count(referral_reminders.referrals_overdue) == 1


def test_the_teams_supervisors_and_only_they_are_told_of_each_thing_waiting_for_them(django_capture_on_commit_callbacks):
    case, holder, _ = contract()
    profile = StaffProfile.objects.get(user=holder)
    supervisors = sorted(StaffProfile.objects.filter(team=profile.team, user__groups__name="Supervisor").values_list("user_id", flat=True))
    elsewhere = SupervisorProfileFactory(team=TeamFactory(name="North team")).user
    Case.objects.filter(pk=case.pk).update(review_flag="2 unacceptable absence(s), 0 new offence(s): supervisor review")
    StaffProfile.objects.filter(pk=profile.pk).update(capacity_points=1)  # one case puts them far over capacity
    closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Stopped coming.")
    review_due = case.allocations.get(ended_at=None).review.due_on
    run(review_due, django_capture_on_commit_callbacks)
    told = Reminder.objects.filter(kind__in=["review_due", "case_flagged", "proposal_waiting", "over_capacity"])
    assert sorted(told.values_list("user_id", "kind")) == sorted(
        (user, kind) for user in supervisors for kind in ["review_due", "case_flagged", "proposal_waiting", "over_capacity"])
    assert supervisors and not Reminder.objects.filter(user=elsewhere).exists()
    run(review_due - timedelta(days=1), django_capture_on_commit_callbacks)  # the day before the review falls due
    assert not Reminder.objects.filter(kind="review_due", run_date=review_due - timedelta(days=1)).exists()


def test_the_reminders_text_names_no_one(django_capture_on_commit_callbacks):
    case, _, _ = contract(due=[TODAY], first_names="Zebedee", last_name="Quartermain")
    run(TODAY, django_capture_on_commit_callbacks)
    texts = " ".join(Reminder.objects.values_list("text", flat=True)) + " ".join(Delivery.objects.values_list("body", flat=True))
    assert case.number in texts and "Zebedee" not in texts and "Quartermain" not in texts



def test_an_administrator_runs_the_job_now_and_sees_the_run(client, django_capture_on_commit_callbacks):
    from oocr.accounts.tests.factories import AdministratorFactory

    contract(due=[TODAY + timedelta(days=1)])
    client.force_login(AdministratorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/administration/reminders/")
    response = client.get("/administration/reminders/")
    assert "The reminders job has been started for today" in response.content.decode()
    [row] = response.context["runs"]
    assert (row.run_date, row.runs) == (timezone.localdate(), 1) and row.reminders_made >= 1


def test_the_keyworker_records_the_persons_choice_of_reminders(client):
    case, holder, _ = contract(email="sam@example.org")
    Person.objects.filter(pk=case.person_id).update(phone="")
    client.force_login(holder)
    url = f"/cases/{case.pk}/reminders/"
    version = Person.objects.get(pk=case.person_id).version
    refused = client.post(url, {"reminders_by": "sms", "record_version": version})
    assert refused.context["form"].errors["reminders_by"] == [
        "There is no phone number for the person: add one before choosing text messages"]
    client.post(url, {"reminders_by": "email", "record_version": version})
    case.person.refresh_from_db()
    assert case.person.reminders_by == "email"
    assert "Reminders to " + case.person.first_names + ": email" in client.get(f"/cases/{case.pk}/contacts/").content.decode()


@pytest.mark.parametrize("on, expected", [
    (date(2026, 10, 23), []),  # the window is the run's day and the next
    (date(2026, 10, 24), [("appointment_tomorrow", "2026-10-25"), ("person_appointment", "2026-10-25")]),
    (date(2026, 10, 25), [("person_appointment", "2026-10-25")]),  # "today" to the person, the same period: sent once
    (date(2026, 10, 26), []),
])
def test_an_appointment_late_on_the_day_the_clocks_go_back_is_reminded_the_day_before(settings, on, expected):
    """25 October 2026 has 25 hours in London: 23:30 that evening is 23:30 UTC, after a window that ended 24 hours
    after the day began (23:00 UTC) would have closed."""
    settings.TIME_ZONE = "Europe/London"
    contact = BookedContactFactory(starts_at=timezone.make_aware(datetime(2026, 10, 25, 23, 30)))
    Person.objects.filter(cases=contact.case).update(reminders_by="sms", phone="07700 900111")
    assert sorted((due.kind, due.period) for due in due_on(on, lead_days={}) if due.item == f"contact:{contact.pk}") == expected
