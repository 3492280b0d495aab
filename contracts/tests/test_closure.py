from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStateError
from contracts.models import ClosureProposal, Condition, Contact, NeedDomain, NonCompliance, SchemeSettings
from contracts.services.assessment import keyworker_action_record, needs_assessment_record
from contracts.services.closure import closure_decide, closure_propose
from contracts.services.contacts import contact_outcome_record, contact_record, non_compliance_record
from contracts.services.contract import condition_progress_record, contract_sign
from contracts.services.variation import variation_decide, variation_propose
from contracts.tests.factories import breach_record
from contracts.tests.test_contracts import add, assessed_case
from keyworkers.models import StaffProfile
from keyworkers.services import calendar_token_issue
from keyworkers.tests.factories import SupervisorProfileFactory, TeamFactory, in_the_team
from oocr.accounts.tests.factories import KeyworkerFactory, SupervisorFactory

pytestmark = pytest.mark.django_db


def active_case(signed_weeks_ago=17, route=None):
    signed_on = timezone.localdate() - timedelta(weeks=signed_weeks_ago)
    case, holder = assessed_case(offered_on=signed_on)
    if route:
        Case.objects.filter(pk=case.pk).update(route=route)
    condition = add(case, holder, "Debt advice", need_domain=NeedDomain.objects.get(code="finance"),
                    due_date=signed_on + timedelta(days=60))
    contract_sign(case_id=case.pk, user=holder, agreement="verbal", signed_on=signed_on)
    case.refresh_from_db()
    return case, holder, condition


def past(days=1):
    return timezone.now() - timedelta(days=days)


def missed(case, holder, excuse=False, response="warning", days_ago=0):
    return non_compliance_record(case_id=case.pk, user=holder, data={
        "kind": "missed_appointment", "occurred_on": timezone.localdate() - timedelta(days=days_ago), "reasonable_excuse": excuse,
        "response": response, "notes": "", "contact": None,
    })


def test_booking_then_recording_an_appointment_goes_on_the_timeline():
    case, holder, _ = active_case(signed_weeks_ago=2)
    booked = contact_record(case_id=case.pk, user=holder, data={
        "type": "face_to_face", "starts_at": timezone.now() + timedelta(hours=1), "place": "Truro", "outcome": "",
        "duration_minutes": None, "notes": ""})
    assert booked.is_booked
    Contact.objects.filter(pk=booked.pk).update(starts_at=past())  # the appointment's time comes and goes
    contact_outcome_record(case_id=case.pk, user=holder, contact_id=booked.pk, outcome="attended",
                           duration_minutes=45, notes="Went well")
    assert Contact.objects.get(pk=booked.pk).outcome == "attended"
    assert "attended" in case.events.filter(kind="contact").first().text
    with pytest.raises(CaseStateError, match="recorded already"):
        contact_outcome_record(case_id=case.pk, user=holder, contact_id=booked.pk, outcome="late",
                               duration_minutes=None, notes="")


def test_a_future_appointment_has_no_outcome_yet():
    case, holder, _ = active_case()
    with pytest.raises(ValidationError, match="no outcome yet"):
        contact_record(case_id=case.pk, user=holder, data={
            "type": "phone", "starts_at": timezone.now() + timedelta(days=2), "place": "", "outcome": "attended",
            "duration_minutes": None, "notes": ""})


def test_two_unexcused_absences_flag_the_case_for_a_supervisor():
    case, holder, _ = active_case()
    missed(case, holder, excuse=True, response="none")
    missed(case, holder, days_ago=1)
    case.refresh_from_db()
    assert case.review_flag == ""
    missed(case, holder, days_ago=2)  # another day: the same one sent again would be refused as a duplicate
    case.refresh_from_db()
    assert case.review_flag.startswith("2 unacceptable absence(s)")


def test_a_new_offence_flags_the_case_at_once_and_the_threshold_is_configurable():
    SchemeSettings.objects.update(new_offences_threshold=1)
    case, holder, _ = active_case(signed_weeks_ago=2)
    non_compliance_record(case_id=case.pk, user=holder, data={
        "kind": "new_offence", "occurred_on": timezone.localdate(), "reasonable_excuse": False,
        "response": "propose_breach", "notes": "Arrested for shoplifting", "contact": None})
    case.refresh_from_db()
    assert "1 new offence(s)" in case.review_flag


def test_a_reasonable_excuse_cannot_lead_to_breach():
    case, holder, _ = active_case()
    with pytest.raises(ValidationError, match="cannot be a breach"):
        missed(case, holder, excuse=True, response="propose_breach")
    assert not NonCompliance.objects.exists()


@pytest.mark.parametrize("route, code", [(Case.Route.DEFERRED_CHARGE, 1), (Case.Route.DEFERRED_CAUTION, 3)])
def test_a_breach_waits_for_a_supervisor_then_closes_with_its_outcome_and_tells_the_officer(
    route, code, django_capture_on_commit_callbacks
):
    case, holder, _ = active_case(route=route)
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Stopped engaging")
    case.refresh_from_db()
    assert (proposal.decision, case.status) == ("pending", Case.Status.ACTIVE)
    supervisor = SupervisorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True, note="No contact for three weeks after a warning")
    case.refresh_from_db()
    assert (case.status, case.outcome_code, case.closed_by) == (Case.Status.BREACHED, code, supervisor)
    assert case.contract.status == "ended"
    assert case.allocations.get().end_reason == "case_closed"
    [email] = [message for message in mail.outbox if message.to == [case.crimes.get().officer_email]]
    assert "breached" in email.subject
    assert ("for a charging decision" if route == Case.Route.DEFERRED_CHARGE else "simple caution") in email.body
    assert f"Date of the breach: {timezone.localdate():%-d %B %Y}" in email.body
    assert "New offence: Theft from a shop, crime 26/9999" in email.body
    assert "rationale" in email.body and "No contact for three weeks after a warning" in email.body


def test_a_supervisor_may_refuse_a_breach_with_a_reason_and_the_case_carries_on():
    case, holder, _ = active_case()
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Missed twice")
    with pytest.raises(ValidationError, match="Enter your rationale"):
        closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=False)
    closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=False, note="Give one more chance")
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    assert ClosureProposal.objects.get().decision == "refused"


def test_a_case_page_finds_its_own_pending_closure_and_none_once_decided():
    from contracts.selectors import pending_closure

    (case, holder, _), (other, other_holder, _) = active_case(), active_case()
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="Missed twice")
    assert (pending_closure(case=case), pending_closure(case=other)) == (proposal, None)
    assert pending_closure(case=case).proposed_by == holder
    closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=False, note="Give one more chance")
    later = closure_propose(case_id=other.pk, user=other_holder, result="breached", breach=breach_record(), reason="Gone")
    assert (pending_closure(case=case), pending_closure(case=other)) == (None, later)


def test_the_proposer_cannot_decide_their_own_closure():
    case, holder, _ = active_case()
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="x")
    with pytest.raises(CaseStateError, match="other than the person who proposed it"):
        closure_decide(proposal_id=proposal.pk, user=holder, approve=True)


def test_completion_needs_conditions_met_the_closing_assessment_and_the_end_date():
    case, holder, condition = active_case(signed_weeks_ago=4)
    with pytest.raises(ValidationError) as refused:
        closure_propose(case_id=case.pk, user=holder, result="completed", reason="Done")
    message = " ".join(refused.value.messages)
    assert "The contract runs until" in message and "1 condition(s) are not met yet" in message
    assert "closing needs assessment" in message
    assert not ClosureProposal.objects.exists()


@pytest.mark.parametrize("route, code", [(Case.Route.DEFERRED_CHARGE, 22), (Case.Route.DEFERRED_CAUTION, 3)])
def test_completion_closes_at_once_with_the_mapped_outcome_code(route, code):
    case, holder, condition = active_case(route=route)
    condition_progress_record(case_id=case.pk, user=holder, condition_id=condition.pk, status="met",
                              evidence="Letter from the debt adviser", hours_done=0)
    needs_assessment_record(case_id=case.pk, user=holder, kind="closing", data={}, scores={
        d.pk: {"score": 1, "notes": "", "safeguarding": False} for d in NeedDomain.objects.filter(is_active=True)})
    closure_propose(case_id=case.pk, user=holder, result="completed", reason="Every condition met")
    case.refresh_from_db()
    assert (case.status, case.outcome_code) == (Case.Status.COMPLETED, code)


def test_withdrawal_needs_a_coded_reason_and_can_require_approval():
    SchemeSettings.objects.update(closure_approval_required=True)
    case, holder, _ = active_case()
    with pytest.raises(ValidationError, match="Choose why the case is being withdrawn"):
        closure_propose(case_id=case.pk, user=holder, result="withdrawn", reason="Moved")
    proposal = closure_propose(case_id=case.pk, user=holder, result="withdrawn", reason="Moved to Leeds",
                               withdrawal_reason="moved_away")
    assert proposal.decision == "pending"
    with pytest.raises(CaseStateError, match="already waiting"):
        closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="x")
    closure_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True, note="No contact for three weeks after a warning")
    case.refresh_from_db()
    assert (case.status, case.withdrawal_reason, case.outcome_code) == (Case.Status.WITHDRAWN, "moved_away", None)


def test_only_supervisors_see_and_make_decisions(client):
    case, holder, _ = active_case()
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached", breach=breach_record(), reason="x")
    client.force_login(KeyworkerFactory())
    assert client.get(reverse("contracts:decisions")).status_code == 403
    assert client.post(reverse("contracts:closure_decide", args=[proposal.pk]), {"approve": "yes"}).status_code == 403
    client.force_login(in_the_team(SupervisorFactory()))
    assert list(client.get(reverse("contracts:decisions")).context["closures"]) == [proposal]
    client.force_login(SupervisorProfileFactory(team=TeamFactory(name="North team")).user)  # decides for their own team only
    assert list(client.get(reverse("contracts:decisions")).context["closures"]) == []
    assert client.post(reverse("contracts:closure_decide", args=[proposal.pk]), {"approve": "yes"}).status_code == 404


def test_an_extension_changes_the_end_date_only_when_a_supervisor_approves():
    case, holder, _ = active_case(signed_weeks_ago=2)
    end = case.contract.end_date
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="In hospital", extension_days=14)
    case.contract.refresh_from_db()
    assert case.contract.end_date == end
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)
    case.contract.refresh_from_db()
    assert case.contract.end_date == end + timedelta(days=14)
    assert "ends" in case.events.filter(kind="variation_decided").first().text


def test_a_variation_keeps_the_old_condition_marked_varied():
    case, holder, condition = active_case(signed_weeks_ago=2)
    proposal = variation_propose(case_id=case.pk, user=holder, kind="variation", reason="New adviser",
                                 condition_id=condition.pk, new_description="You will meet the CAB debt adviser.")
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)
    conditions = {c.description: c.status for c in case.contract.conditions.exclude(kind="standard")}
    assert conditions == {condition.description: "varied", "You will meet the CAB debt adviser.": "not_started"}


def test_a_refused_variation_changes_nothing_and_needs_a_reason():
    case, holder, condition = active_case(signed_weeks_ago=2)
    proposal = variation_propose(case_id=case.pk, user=holder, kind="extension", reason="x", extension_days=7)
    with pytest.raises(ValidationError, match="why the variation is refused"):
        variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=False)
    variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=False, note="Not needed")
    case.contract.refresh_from_db()
    assert case.contract.extension_days == 0
    with pytest.raises(CaseStateError, match="decided already"):
        variation_decide(proposal_id=proposal.pk, user=SupervisorFactory(), approve=True)


def test_a_variation_needs_a_condition_and_a_change():
    case, holder, condition = active_case(signed_weeks_ago=2)
    with pytest.raises(ValidationError, match="Enter what changes"):
        variation_propose(case_id=case.pk, user=holder, kind="variation", reason="x", condition_id=condition.pk)
    with pytest.raises(ValidationError, match="up to 56"):
        variation_propose(case_id=case.pk, user=holder, kind="extension", reason="x", extension_days=90)


def test_a_victim_contact_updates_their_views_and_ticks_the_victims_code(client):
    from cases import services as case_services
    from cases.models import Victim
    from cases.selectors import victims_codes

    case, holder, _ = active_case(signed_weeks_ago=2)
    victim = Victim.objects.create(crime=case.crimes.get(), name="Tesco Extra")
    codes = victims_codes(case=case, today=timezone.localdate() + timedelta(days=30))
    assert codes[0]["items"][0][1] == "late"  # restorative justice information
    case_services.victim_contact_record(
        case_id=case.pk, user=holder, victim_id=victim.pk, view="supports", restorative_consent="yes",
        data={"contacted_on": timezone.localdate(), "method": "phone", "purpose": "rj_information", "notes": ""},
    )
    victim.refresh_from_db()
    assert (victim.view, victim.restorative_consent, victim.date_asked) == ("supports", "yes", timezone.localdate())
    codes = victims_codes(case=case, today=timezone.localdate() + timedelta(days=30))
    assert codes[0]["items"][0][1] == "done"
    client.force_login(holder)
    page = client.get(reverse("cases:case_victim", args=[case.pk])).content.decode()
    assert "Restorative justice information given" in page


def test_the_week_view_and_the_private_calendar_show_the_keyworkers_appointments(client):
    case, holder, _ = active_case(signed_weeks_ago=2)
    soon = timezone.now() + timedelta(days=1)
    contact_record(case_id=case.pk, user=holder, data={
        "type": "home_visit", "starts_at": soon, "place": "4 Quay Street", "outcome": "", "duration_minutes": 45, "notes": ""})
    client.force_login(holder)
    client.post(reverse("contracts:week"))
    week = client.get(reverse("contracts:week"), {"start": timezone.localdate(soon).isoformat()})
    assert sum(len(appointments) for _, appointments in week.context["days"]) == 1
    feed_url = week.context["feed"]
    client.logout()
    token = feed_url.removesuffix(".ics").rsplit("/", 1)[1]
    feed = client.get(reverse("contracts:calendar_feed", args=[token]))
    body = feed.content.decode()
    assert feed["Content-Type"] == "text/calendar"
    assert f"case {case.number}" in body and "4 Quay Street" in body
    assert case.person.last_name not in body  # no names in a feed fetched outside the app
    assert client.get(reverse("contracts:calendar_feed", args=["not-the-token"])).status_code == 404


def calendar_token(user) -> str:
    return StaffProfile.objects.get(user=user).calendar_token


def test_reading_the_week_view_issues_no_calendar_address_and_offers_one(client):
    _, holder, _ = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    page = client.get(reverse("contracts:week")).content.decode()
    assert calendar_token(holder) == ""
    assert "Get a calendar address" in page and 'data-testid="calendar-feed"' not in page


def test_a_keyworker_gets_a_calendar_address_then_a_new_one_and_the_old_one_stops_working(client):
    _, holder, _ = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    response = client.post(reverse("contracts:week"))
    assert response["Location"] == reverse("contracts:week") + "#calendar"
    first = calendar_token(holder)
    assert first
    page = client.get(reverse("contracts:week")).content.decode()
    assert reverse("contracts:calendar_feed", args=[first]) in page and "Get a new calendar address" in page
    assert calendar_token(holder) == first  # reading it again changes nothing
    client.post(reverse("contracts:week"))
    second = calendar_token(holder)
    page = client.get(reverse("contracts:week")).content.decode()
    assert second != first and reverse("contracts:calendar_feed", args=[second]) in page
    assert "the old one no longer works" in page
    client.logout()
    assert client.get(reverse("contracts:calendar_feed", args=[first])).status_code == 404
    assert client.get(reverse("contracts:calendar_feed", args=[second]))["Content-Type"] == "text/calendar"


def test_a_deactivated_keyworkers_calendar_address_stops_working(client):
    _, holder, _ = active_case(signed_weeks_ago=2)
    token = calendar_token_issue(user=holder)
    assert client.get(reverse("contracts:calendar_feed", args=[token])).status_code == 200
    type(holder).objects.filter(pk=holder.pk).update(is_active=False)
    response = client.get(reverse("contracts:calendar_feed", args=[token]))
    assert response.status_code == 404 and b"VCALENDAR" not in response.content


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "2015-02-31", "zzz"])
def test_the_week_view_shows_this_week_for_a_start_it_cannot_show(client, start):
    _, holder, _ = active_case(signed_weeks_ago=2)
    client.force_login(holder)
    week = client.get(reverse("contracts:week"), {"start": start})
    today = timezone.localdate()
    assert week.context["monday"] == today - timedelta(days=today.weekday())


def test_a_new_crime_record_during_the_contract_flags_a_possible_breach():
    case, holder, _ = active_case(signed_weeks_ago=2)
    from cases.models import Offence

    keyworker_action_record(case_id=case.pk, user=holder, data={
        "kind": "crime_record", "concern": "", "sent_to": "", "reference": "CR/999/26", "notes": "",
        "offence": Offence.objects.get(code="TH-SHOP"), "raised_on": timezone.localdate()})
    case.refresh_from_db()
    assert case.review_flag == "New crime record CR/999/26 raised during the contract: possible breach"


def test_administrators_maintain_the_condition_library_and_scheme_settings(client):
    from oocr.accounts.tests.factories import AdministratorFactory

    client.force_login(AdministratorFactory())
    assert client.get(reverse("admin:contracts_conditiontemplate_changelist")).status_code == 200
    settings_row = SchemeSettings.objects.get()
    response = client.get(reverse("admin:contracts_schemesettings_change", args=[settings_row.pk]))
    assert response.status_code == 200 and b"unpaid_work_hours_cap" in response.content
    client.force_login(KeyworkerFactory())
    assert client.get(reverse("admin:contracts_conditiontemplate_changelist")).status_code == 302


def test_the_caseload_shows_contracts_ending_within_a_fortnight(client):
    ending, holder, _ = active_case(signed_weeks_ago=15)
    client.force_login(holder)
    response = client.get(reverse("keyworkers:caseload"), {"tab": "ending"})
    assert [case.pk for case in response.context["cases"]] == [ending.pk]
    assert {tab["key"]: tab["count"] for tab in response.context["tabs"]}["ending"] == 1
    assert response.context["cases"][0].week == 16


def test_the_caseload_shows_the_next_appointment_conditions_due_and_the_last_contact(client):
    case, holder, condition = active_case(signed_weeks_ago=2)
    Condition.objects.filter(pk=condition.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    soon, before = timezone.now() + timedelta(days=2), timezone.now() - timedelta(days=3)
    for starts_at, outcome in [(soon, ""), (before, "attended")]:
        contact_record(case_id=case.pk, user=holder, data={
            "type": "phone", "starts_at": starts_at, "place": "", "outcome": outcome, "duration_minutes": None, "notes": ""})
    client.force_login(holder)
    [row] = client.get(reverse("keyworkers:caseload")).context["cases"]
    assert (row.next_appointment, row.last_contact, row.conditions_overdue) == (soon, before, 1)
    assert row.flag.reason == "1 condition(s) overdue"
