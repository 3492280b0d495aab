"""The partner portal: who reaches what, what the pack holds, each partner action's effects, revocation, invitations."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from contracts.models import Condition, NeedScore
from oocr.accounts.selectors import user_list
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.audit.models import AccessLog
from oocr.notifications.models import Notification
from oocr.tests.concurrency import signed_in
from portal import services
from portal.models import PartnerInvitation, PartnerSession, PartnerUser, ReferralPack
from portal.tests.factories import PACK, PartnerUserFactory, shared_referral
from referrals import services as referral_services
from referrals.models import Referral
from referrals.selectors import referral_report
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    referral, keyworker, condition = shared_referral()
    account = PartnerUserFactory(partner=referral.partner, is_point_of_contact=True)
    return referral, keyworker, condition, account


def _pack_url(referral):
    return reverse("portal:referral", args=[referral.pk])


# --- Who reaches what ------------------------------------------------------------------------------------------


def test_a_partner_user_is_sent_to_their_start_page_and_refused_staff_pages(client, world):
    referral, keyworker, _, account = world
    client.force_login(account.user)
    assert client.get("/")["Location"] == reverse("portal:home")
    for url in (reverse("today:today"), reverse("cases:case_detail", args=[referral.case_id]), reverse("notifications:list"),
                reverse("referrals:partners"), reverse("referrals:referral", args=[referral.case_id, referral.pk])):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("password_change")).status_code == 200


def test_staff_never_reach_partner_pages_as_partners(client, world):
    referral, keyworker, _, _ = world
    for user in (keyworker, AdministratorFactory()):
        client.force_login(user)
        assert client.get(reverse("portal:home")).status_code == 403
        assert client.get(_pack_url(referral)).status_code == 403


def test_another_partners_referral_is_not_found(client, world):
    referral, *_ = world
    stranger = PartnerUserFactory(partner=PartnerFactory())
    client.force_login(stranger.user)
    response = client.get(_pack_url(referral))
    assert response.status_code == 404
    assert referral.case.person.last_name not in response.content.decode()
    assert referral.case.person.last_name not in client.get(reverse("portal:home")).content.decode()
    response = client.post(reverse("portal:acknowledge", args=[referral.pk]))
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SENT


def test_staff_pages_never_list_partner_users_as_staff(world):
    *_, account = world
    assert account.user not in user_list(user=AdministratorFactory())


def test_a_referral_not_shared_or_still_a_draft_is_not_shown(client):
    referral, keyworker, _ = shared_referral(pack=False)
    account = PartnerUserFactory(partner=referral.partner)
    client.force_login(account.user)
    assert client.get(_pack_url(referral)).status_code == 404


# --- The pack --------------------------------------------------------------------------------------------------


def test_the_pack_shows_what_the_keyworker_chose_and_never_the_assessment_or_safeguarding(client, world):
    from contracts.models import KeyworkerAction

    referral, keyworker, _, account = world
    case = referral.case
    # The assessment's text and a safeguarding alert, with words found nowhere else.
    case.needs_assessments.update(strengths="Zanzibarine strengths", goals="Zanzibarine goals")
    NeedScore.objects.filter(assessment__case=case).update(notes="Zanzibarine notes of the needs assessment")
    KeyworkerAction.objects.create(case=case, kind="safeguarding", concern="adult_at_risk", reference="SG-Quokkaline",
                                   notes="Quokkaline", raised_on=timezone.localdate(), recorded_by=keyworker)
    case.person.phone, case.person.email = "07700 900123", "hidden@example.org"
    case.person.save()
    client.force_login(account.user)
    html = client.get(_pack_url(referral)).content.decode()
    for shown in (case.person.first_names, PACK["summary"], PACK["risk_who"], PACK["risk_nature"], PACK["dates_agreed"],
                  "07700 900123", "Alcohol"):
        assert shown in html, shown
    for never in ("Zanzibarine", "Quokkaline", "hidden@example.org", case.number, "Drinking daily."):
        assert never not in html, never
    assert AccessLog.objects.filter(user=account.user, object_id=referral.pk, person_id=case.person_id).count() == 1


# --- Partner actions --------------------------------------------------------------------------------------------


def _told(keyworker, word):
    return Notification.objects.filter(user=keyworker, text__icontains=word).count()


def test_acknowledging_is_timestamped_moves_the_referral_and_tells_the_keyworker(client, world):
    referral, keyworker, condition, account = world
    client.force_login(account.user)
    response = client.post(reverse("portal:acknowledge", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    pack = ReferralPack.objects.get(referral=referral)
    assert (referral.status, referral.acknowledged_on) == (Referral.Status.ACKNOWLEDGED, timezone.localdate())
    assert pack.acknowledged_at is not None and pack.acknowledged_by == account.user
    assert _told(keyworker, "acknowledged") == 1
    assert referral.updates.filter(source__endswith="(partner portal)", status="acknowledged").exists()
    # Feeds the referral report: acknowledged today, within the service level.
    [row] = [row for row in referral_report() if row.partner == referral.partner.name]
    assert (row.median_days_to_acknowledge, row.acknowledged_in_time_percent) == (0, 100)


def test_acknowledging_from_two_tabs_records_it_once_and_tells_the_keyworker_once(world):
    referral, keyworker, _, account = world
    url = reverse("portal:acknowledge", args=[referral.pk])
    one, two = signed_in(account.user), signed_in(account.user)
    one.get(reverse("portal:referral", args=[referral.pk]))
    two.get(reverse("portal:referral", args=[referral.pk]))
    assert one.post(url).status_code == 302
    second = two.post(url, follow=True)
    assert second.status_code == 200
    assert "acknowledged already" in second.content.decode()
    assert referral.updates.filter(status="acknowledged").count() == 1
    assert _told(keyworker, "acknowledged") == 1
    assert ReferralPack.objects.get(referral=referral).acknowledged_by == account.user


def test_booking_and_moving_the_first_appointment(client, world):
    referral, keyworker, _, account = world
    client.force_login(account.user)
    day = timezone.localdate() + timedelta(days=3)
    data = {"day_0": day.day, "day_1": day.month, "day_2": day.year, "time": "10:30", "place": "Harbour House"}
    assert client.post(reverse("portal:appointment", args=[referral.pk]), data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACKNOWLEDGED  # booking acknowledges too
    appointment = referral.first_appointment
    assert (timezone.localtime(appointment.starts_at).hour, appointment.place) == (10, "Harbour House")
    moved = {**data, "time": "11:00", "record_version": appointment.version}
    assert client.post(reverse("portal:appointment", args=[referral.pk]), moved).status_code == 302
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.starts_at).hour == 11
    assert _told(keyworker, "booked the first appointment") == 1 and _told(keyworker, "moved the first appointment") == 1
    stale = {**data, "time": "12:00", "record_version": 1}
    assert "govuk-error-summary" in client.post(reverse("portal:appointment", args=[referral.pk]), stale).content.decode()


def test_an_attended_session_engages_the_referral_and_the_condition_follows(world):
    referral, keyworker, condition, account = world
    services.referral_acknowledge(account=account, referral_id=referral.pk)
    services.session_record(account=account, referral_id=referral.pk, held_on=timezone.localdate(), attendance="did_not_attend")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACKNOWLEDGED
    services.session_record(account=account, referral_id=referral.pk, held_on=timezone.localdate(), attendance="attended")
    referral.refresh_from_db()
    condition.refresh_from_db()
    assert referral.status == Referral.Status.ENGAGED
    assert condition.status == Condition.Status.IN_PROGRESS
    assert PartnerSession.objects.filter(referral=referral).count() == 2
    assert _told(keyworker, "recorded a session") == 2


def test_a_progress_note_reaches_the_keyworker(world):
    referral, keyworker, _, account = world
    services.note_add(account=account, referral_id=referral.pk, text="Came to the drop-in, keen.")
    assert referral.updates.filter(text="Came to the drop-in, keen.", recorded_by=account.user).exists()
    assert _told(keyworker, "progress note") == 1


@pytest.mark.parametrize("outcome, referral_status, condition_status", [
    ("engaged_completed", Referral.Status.COMPLETED, Condition.Status.MET),
    ("engaged_ongoing", Referral.Status.COMPLETED, Condition.Status.MET),
    ("did_not_engage", Referral.Status.DISENGAGED, Condition.Status.NOT_MET),
])
def test_closing_after_engagement_moves_the_referral_and_the_condition(world, outcome, referral_status, condition_status):
    referral, keyworker, condition, account = world
    services.referral_acknowledge(account=account, referral_id=referral.pk)
    services.session_record(account=account, referral_id=referral.pk, held_on=timezone.localdate(), attendance="attended")
    services.referral_close(account=account, referral_id=referral.pk, outcome=outcome, summary="Six sessions.")
    referral.refresh_from_db()
    condition.refresh_from_db()
    pack = ReferralPack.objects.get(referral=referral)
    assert (referral.status, condition.status) == (referral_status, condition_status)
    assert (pack.outcome, pack.end_summary, pack.closed_by) == (outcome, "Six sessions.", account.user)
    assert _told(keyworker, "closed the referral") == 1


def test_not_suitable_declines_before_engagement_and_is_refused_after(world):
    referral, keyworker, condition, account = world
    services.referral_close(account=account, referral_id=referral.pk, outcome="not_suitable", summary="Needs detox first.")
    referral.refresh_from_db()
    condition.refresh_from_db()
    assert (referral.status, referral.end_reason) == (Referral.Status.DECLINED, Referral.EndReason.NOT_ELIGIBLE)
    assert condition.status == Condition.Status.NOT_STARTED
    other, _, _ = shared_referral(partner=referral.partner)
    services.referral_acknowledge(account=account, referral_id=other.pk)
    services.session_record(account=account, referral_id=other.pk, held_on=timezone.localdate(), attendance="attended")
    with pytest.raises(Exception, match="cannot close as not suitable"):
        services.referral_close(account=account, referral_id=other.pk, outcome="not_suitable", summary="x")


def test_a_closed_referral_stays_visible_for_the_configured_days_only(client, world, settings):
    referral, _, _, account = world
    services.referral_close(account=account, referral_id=referral.pk, outcome="not_suitable", summary="No.")
    client.force_login(account.user)
    assert client.get(_pack_url(referral)).status_code == 200
    Referral.objects.filter(pk=referral.pk).update(ended_on=timezone.localdate() - timedelta(days=31))
    settings.PARTNER_PORTAL_DAYS_AFTER = 30
    assert client.get(_pack_url(referral)).status_code == 404


# --- Revocation -------------------------------------------------------------------------------------------------


def test_withdrawing_the_referral_ends_access_on_the_next_request(client, world):
    referral, keyworker, _, account = world
    client.force_login(account.user)
    assert client.get(_pack_url(referral)).status_code == 200
    referral_services.referral_progress_record(case_id=referral.case_id, referral_id=referral.pk, user=keyworker,
                                               on=timezone.localdate(), status="withdrawn", reason="need_met")
    assert client.get(_pack_url(referral)).status_code == 404


def test_closing_the_case_ends_access_on_the_next_request(client, world):
    referral, _, _, account = world
    client.force_login(account.user)
    assert client.get(_pack_url(referral)).status_code == 200
    Case.objects.filter(pk=referral.case_id).update(status=Case.Status.COMPLETED)
    assert client.get(_pack_url(referral)).status_code == 404


def test_removing_a_user_signs_them_out_on_the_next_request(client, world):
    referral, _, _, contact = world
    colleague = PartnerUserFactory(partner=referral.partner)
    client.force_login(colleague.user)
    assert client.get(_pack_url(referral)).status_code == 200
    services.partner_user_remove(account_id=colleague.pk, by=contact.user)
    response = client.get(_pack_url(referral))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    colleague.user.refresh_from_db()
    assert not colleague.user.is_active


def test_a_removal_the_session_table_missed_is_still_refused(client, world):
    """The middleware reads the account at every request: a session left behind does not help."""
    referral, _, _, _ = world
    colleague = PartnerUserFactory(partner=referral.partner)
    client.force_login(colleague.user)
    PartnerUser.objects.filter(pk=colleague.pk).update(removed_at=timezone.now())
    assert Session.objects.exists()
    assert client.get(_pack_url(referral))["Location"].startswith(reverse("login"))


def test_only_the_point_of_contact_removes_and_only_their_own_colleagues(world):
    referral, _, _, contact = world
    colleague = PartnerUserFactory(partner=referral.partner)
    stranger = PartnerUserFactory(partner=PartnerFactory(), is_point_of_contact=True)
    with pytest.raises(services.PortalRefused):
        services.partner_user_remove(account_id=contact.pk, by=colleague.user)
    with pytest.raises(services.PortalRefused):
        services.partner_user_remove(account_id=colleague.pk, by=stranger.user)
    with pytest.raises(services.PortalRefused):
        services.partner_user_remove(account_id=contact.pk, by=contact.user)


# --- Invitations -----------------------------------------------------------------------------------------------


def test_an_invitation_makes_a_partner_account_once(client):
    partner = PartnerFactory()
    invitation = services.point_of_contact_invite(partner_id=partner.pk, by=AdministratorFactory(), email="Sam@Harbour.example.org",
                                                  first_name="Sam", last_name="Penrose", base_url="http://testserver")
    token = invitation.link.rstrip("/").rsplit("/", 1)[1]
    assert token not in PartnerInvitation.objects.get().token_digest
    data = {"username": "sam.penrose", "password1": "a-long-partner-password-9", "password2": "a-long-partner-password-9"}
    response = client.post(reverse("portal:invitation", args=[token]), data)
    assert response.status_code == 302
    account = PartnerUser.objects.get(user__username="sam.penrose")
    assert (account.partner, account.is_point_of_contact, account.user.email) == (partner, True, "sam@harbour.example.org")
    assert not account.user.groups.exists()
    assert client.get(reverse("portal:invitation", args=[token])).status_code == 410  # used


def test_an_expired_invitation_is_refused(client):
    partner = PartnerFactory()
    invitation = services.point_of_contact_invite(partner_id=partner.pk, by=AdministratorFactory(), email="jo@example.org",
                                                  first_name="Jo", last_name="Kitto", base_url="http://testserver")
    token = invitation.link.rstrip("/").rsplit("/", 1)[1]
    PartnerInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("portal:invitation", args=[token]))
    assert response.status_code == 410
    data = {"username": "jo", "password1": "a-long-partner-password-9", "password2": "a-long-partner-password-9"}
    assert client.post(reverse("portal:invitation", args=[token]), data).status_code == 410
    assert not PartnerUser.objects.exists()


def test_the_point_of_contact_invites_a_colleague_and_a_colleague_may_not(client, world, mailoutbox,
                                                                          django_capture_on_commit_callbacks):
    referral, _, _, contact = world
    client.force_login(contact.user)
    data = {"first_name": "Ann", "last_name": "Hosking", "email": "ann@partner.example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("portal:colleagues"), data).status_code == 302
    invitation = PartnerInvitation.objects.get(email="ann@partner.example.org")
    assert (invitation.partner, invitation.is_point_of_contact) == (referral.partner, False)
    assert "/partner/invitation/" in mailoutbox[-1].body
    colleague = PartnerUserFactory(partner=referral.partner)
    client.force_login(colleague.user)
    assert client.get(reverse("portal:colleagues")).status_code == 403


# --- Service levels ------------------------------------------------------------------------------------------------


def test_overdue_referrals_lead_the_start_page_and_are_escalated_once(client, mailoutbox):
    referral, keyworker, _ = shared_referral(sent_days_ago=20)
    contact = PartnerUserFactory(partner=referral.partner, is_point_of_contact=True)
    client.force_login(contact.user)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="overdue"' in html and "Not acknowledged" in html
    assert services.overdue_escalate(on=timezone.localdate()) == 1
    assert services.overdue_escalate(on=timezone.localdate()) == 0  # a second run tells nobody again
    assert _told(keyworker, "overdue") == 1
    from django.db import transaction  # noqa: F401 - the emails are sent after the commit
    from oocr.notifications.models import Delivery

    assert Delivery.objects.filter(recipient=contact.user.email, key__startswith="portal-overdue:ack").count() == 1


def test_the_keyworker_shares_the_pack_and_sees_the_partners_progress(client, world):
    referral, keyworker, _, account = world
    client.force_login(keyworker)
    url = reverse("portal:pack", args=[referral.case_id, referral.pk])
    assert "Acknowledge by" in client.get(url).content.decode()
    pack = ReferralPack.objects.get(referral=referral)
    data = {**{k: v for k, v in PACK.items() if not isinstance(v, bool)}, "share_phone": "on", "summary": "New summary.",
            "record_version": pack.version}
    assert client.post(url, data).status_code == 302
    pack.refresh_from_db()
    assert (pack.summary, pack.share_email) == ("New summary.", False)


# --- The report, subject access and disposal -------------------------------------------------------------------


def test_a_late_acknowledgement_in_the_portal_counts_against_the_service_level():
    referral, _, _ = shared_referral(sent_days_ago=20)
    account = PartnerUserFactory(partner=referral.partner)
    services.referral_acknowledge(account=account, referral_id=referral.pk)
    [row] = [row for row in referral_report() if row.partner == referral.partner.name]
    assert (row.median_days_to_acknowledge, row.with_service_level, row.acknowledged_in_time) == (20, 1, 0)
    assert row.acknowledged_in_time_percent == 0


def test_subject_access_includes_and_disposal_erases_what_the_partner_was_shown_and_said(world):
    from oocr.audit.subject_access import subject_access_data

    referral, _, _, account = world
    services.referral_acknowledge(account=account, referral_id=referral.pk)
    services.session_record(account=account, referral_id=referral.pk, held_on=timezone.localdate(), attendance="attended",
                            note="Spoke about his brother")
    titles = {part["title"]: part["records"] for part in subject_access_data(person=referral.case.person)["sections"]}
    assert len(titles["Referral packs shared with partners"]) == 1 and len(titles["Sessions with partners"]) == 1
    services.case_free_text_erase(case_id=referral.case_id)
    pack = ReferralPack.objects.get(referral=referral)
    assert (pack.summary, pack.risk_nature, pack.dates_agreed) == ("", "", "")
    assert not pack.history.exclude(summary="").exists()
    assert PartnerSession.objects.get(referral=referral).note == ""


def test_the_partner_pages_read_a_fixed_number_of_queries(client, world):
    """The start page logs each person it names (one access-log entry per referral); the rest is fixed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referral, _, _, account = world
    client.force_login(account.user)
    client.get(reverse("portal:home"))  # content types cached
    counts = {}
    for shown in (1, 3):
        while Referral.objects.filter(partner=referral.partner, pack__isnull=False).count() < shown:
            shared_referral(partner=referral.partner)
        with CaptureQueriesContext(connection) as home:
            assert client.get(reverse("portal:home")).status_code == 200
        counts[shown] = len(home)
    per_referral = (counts[3] - counts[1]) / 2
    print(f"partner start page: {counts[1]} queries with 1 referral, {counts[3]} with 3 ({per_referral:g} per referral)")
    assert (counts[1], per_referral) == (8, 2)  # per person named: the access-log chain's head, and the entry
    with CaptureQueriesContext(connection) as pack:
        assert client.get(_pack_url(referral)).status_code == 200
    print(f"pack page: {len(pack)} queries")
    assert len(pack) == 11


def test_the_daily_escalation_task_is_scheduled_and_runs():
    from django_celery_beat.models import PeriodicTask

    from portal.tasks import escalate_overdue

    assert PeriodicTask.objects.filter(task="portal.escalate_overdue", enabled=True).exists()
    referral, keyworker, _ = shared_referral(sent_days_ago=20)
    assert escalate_overdue.delay(timezone.localdate().isoformat()).get() == 1
    assert ReferralPack.objects.get(referral=referral).escalated_stage == "ack"
