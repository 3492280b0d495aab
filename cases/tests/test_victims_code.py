"""The Victims' Code updates as due items: when each falls due, late on the case page, reminded, and answered at closure."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Victim, VictimContact
from cases.selectors import victims_code_items, victims_code_items_due
from cases.victims_code import VictimsCodeItem, victims_code_case_items
from contracts.models import ClosureProposal, NeedsAssessment
from contracts.reminders import due_on
from contracts.services.closure import closure_propose
from contracts.tests.factories import ActiveContractFactory, holder_of
from oocr.tests.concurrency import as_read, one_time_token

pytestmark = pytest.mark.django_db


def test_each_update_is_due_five_working_days_after_its_event_and_late_after_that():
    monday = date(2026, 11, 23)
    [rj, agreed, closed] = victims_code_case_items(
        case_id=1, victims=[(7, "Corner shop", {"update_agreed": date(2026, 12, 1)})],
        starts={"rj_information": monday, "update_agreed": date(2026, 11, 27), "update_closed": None})
    assert rj.due_on == date(2026, 11, 30)  # Monday + 5 working days
    assert (rj.state(date(2026, 11, 30)), rj.state(date(2026, 12, 1))) == ("due", "late")
    assert agreed.due_on == date(2026, 12, 4) and agreed.state(date(2026, 12, 10)) == "done"
    assert closed.due_on is None and closed.state(date(2027, 1, 1)) == "waiting" and not closed.is_due
    excused = VictimsCodeItem(case_id=1, victim_id=7, victim_name="x", purpose="rj_information", started_on=monday,
                              done_on=None, not_done_reason="The victim asked not to be contacted")
    assert excused.state(date(2027, 1, 1)) == "not_done" and not excused.is_late(date(2027, 1, 1))


def case_with_victim(*, submitted_days_ago=30):
    contract = ActiveContractFactory(start_date=timezone.localdate() - timedelta(days=20))
    case = contract.case
    moment = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=submitted_days_ago), time(9)))
    Case.objects.filter(pk=case.pk).update(submitted_at=moment)
    case.allocations.update(allocated_at=moment)
    case.crimes.update(offence_date=moment.date() - timedelta(days=2))
    case.refresh_from_db()
    victim = Victim.objects.create(crime=case.crimes.get(), name="Corner shop", view=Victim.View.SUPPORTS,
                                   date_asked=moment.date() - timedelta(days=1))
    return case, holder_of(case), victim


def told(case, holder, victim, purpose, on=None):
    from cases import services as case_services

    case_services.victim_contact_record(case_id=case.pk, user=holder, victim_id=victim.pk,
                                        data={"contacted_on": on or timezone.localdate(), "method": "phone",
                                              "purpose": purpose, "notes": ""})


def test_a_case_page_case_gives_the_same_items_from_its_prefetched_victims_in_two_fewer_queries(django_assert_num_queries):
    from cases.selectors import case_detail, victims_code_items_of

    case, holder, victim = case_with_victim()
    Victim.objects.create(crime=case.crimes.get(), name="Bus station", view=Victim.View.SUPPORTS)
    told(case, holder, victim, "rj_information")
    page_case = case_detail(user=holder, pk=case.pk)  # crimes and victims prefetched, as a case page has them
    with django_assert_num_queries(5):
        read = victims_code_items_of([case.pk])[case.pk]
    with django_assert_num_queries(3):  # neither the victims nor the case's dates again
        prefetched = victims_code_items(case=page_case)
    assert prefetched == read and [item.victim_name for item in prefetched][::3] == ["Corner shop", "Bus station"]


def test_late_updates_show_on_the_case_page_until_given(client):
    case, holder, victim = case_with_victim()
    states = {item.purpose: item.state(timezone.localdate()) for item in victims_code_items(case=case)}
    assert states == {"rj_information": "late", "update_agreed": "late", "update_closed": "waiting"}
    client.force_login(holder)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="victims-code-late"' in page and "Victims' Code: 2 updates late" in page
    told(case, holder, victim, "rj_information")
    told(case, holder, victim, "update_agreed")
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="victims-code-late"' not in page
    victim_page = client.get(reverse("cases:case_victim", args=[case.pk])).content.decode()
    assert victim_page.count("govuk-tag--green") == 2 and "(late)" in victim_page


def test_the_keyworker_s_due_items_are_their_own_cases_only():
    case, holder, victim = case_with_victim()
    other_case, other_holder, _ = case_with_victim()
    mine = victims_code_items_due(holder)
    assert {(item.case_id, item.purpose) for item in mine} == {(case.pk, "rj_information"), (case.pk, "update_agreed")}
    assert all(item.is_late(timezone.localdate()) for item in mine)
    told(case, holder, victim, "rj_information")
    assert [item.purpose for item in victims_code_items_due(holder)] == ["update_agreed"]
    assert {item.case_id for item in victims_code_items_due(other_holder)} == {other_case.pk}


def test_the_reminders_job_tells_the_keyworker_without_naming_the_victim():
    case, holder, _ = case_with_victim()
    items = [item for item in due_on(timezone.localdate(), lead_days={}) if item.kind.startswith("victim_update")]
    assert {(item.kind, item.user_id) for item in items} == {("victim_update_late", holder.pk)}
    assert len(items) == 2
    assert all("Corner shop" not in item.text and case.number in item.text for item in items)
    assert all(item.url == reverse("cases:case_victim", args=[case.pk]) for item in items)


def test_a_case_cannot_close_with_a_victim_update_undone_unless_the_keyworker_records_why(client):
    case, holder, victim = case_with_victim()
    with pytest.raises(ValidationError) as refused:
        closure_propose(case_id=case.pk, user=holder, result="withdrawn", withdrawal_reason="moved_away",
                        reason="Moved to Scotland")
    assert "victim_update_reason" in refused.value.error_dict
    assert "restorative justice information (Corner shop)" in str(refused.value)
    client.force_login(holder)
    url = reverse("contracts:closure", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="victim_update_reason"' in page
    response = client.post(url, {"result": "withdrawn", "withdrawal_reason": "moved_away", "reason": "Moved to Scotland"})
    from oocr.tests.govuk import error_summary_links

    assert [anchor for anchor, _ in error_summary_links(response)] == ["id_victim_update_reason"]
    assert Case.objects.get(pk=case.pk).status == Case.Status.ACTIVE
    proposal = closure_propose(
        case_id=case.pk, user=holder, result="withdrawn", withdrawal_reason="moved_away", reason="Moved to Scotland",
        victim_update_reason="The shop's manager left; the new one asked not to be contacted")
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert proposal.victim_update_reason.startswith("The shop's manager left")
    states = {item.purpose: item.state(timezone.localdate()) for item in victims_code_items(case=case)}
    assert states == {"rj_information": "not_done", "update_agreed": "not_done", "update_closed": "due"}
    assert case.events.filter(text__contains="Victims' Code update not given").exists()


def test_a_case_with_every_update_given_closes_without_a_reason_and_the_closure_update_follows(client):
    case, holder, victim = case_with_victim()
    told(case, holder, victim, "rj_information")
    told(case, holder, victim, "update_agreed")
    client.force_login(holder)
    assert 'name="victim_update_reason"' not in client.get(reverse("contracts:closure", args=[case.pk])).content.decode()
    closure_propose(case_id=case.pk, user=holder, result="withdrawn", withdrawal_reason="moved_away",
                    reason="Moved to Scotland")
    case.refresh_from_db()
    assert case.is_closed
    [closure] = victims_code_items_due(holder)
    assert closure.purpose == "update_closed" and closure.due_on > timezone.localdate()
    # The keyworker who held it gives the closure's update, though the case is now read-only for everything else.
    url = reverse("cases:victim_contact", args=[case.pk])
    today = timezone.localdate()
    response = client.post(url, {**as_read(client, url, {
        "victim": victim.pk, "contacted_on_0": today.day, "contacted_on_1": today.month, "contacted_on_2": today.year,
        "method": "phone", "purpose": "update_closed", "notes": ""}), **one_time_token()})
    assert response.status_code == 302, response.content.decode()[:500]
    assert VictimContact.objects.filter(victim=victim, purpose="update_closed").exists()
    assert victims_code_items_due(holder) == []
    assert ClosureProposal.objects.get(case=case).victim_update_reason == ""
    assert not NeedsAssessment.objects.filter(case=case, kind="closing").exists()
