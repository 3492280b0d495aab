"""The partner portal's forms, for the form harness (oocr/tests/form_harness.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from oocr.accounts.tests.factories import AdministratorFactory
from oocr.tests.concurrency import one_time_token, version_of
from oocr.tests.form_harness import FormCase
from portal import services
from portal.models import FirstAppointment, PartnerInvitation, PartnerSession, PartnerUser, ReferralPack
from portal.tests.factories import PACK, PartnerUserFactory, shared_referral
from referrals.models import Referral
from referrals.tests.factories import PartnerFactory


def _partner_page(name, *, acknowledged=False, engaged=False):
    def arrange():
        referral, keyworker, condition = shared_referral()
        account = PartnerUserFactory(partner=referral.partner)
        if acknowledged or engaged:
            services.referral_acknowledge(account=account, referral_id=referral.pk)
        if engaged:
            services.session_record(account=account, referral_id=referral.pk, held_on=timezone.localdate(),
                                    attendance="attended")
        return {"user": account.user, "account": account, "referral": referral, "keyworker": keyworker,
                "url": reverse(f"portal:{name}", args=[referral.pk])}
    return arrange


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _acknowledged(context):
    referral = Referral.objects.get(pk=context["referral"].pk)
    assert referral.status == Referral.Status.ACKNOWLEDGED
    assert ReferralPack.objects.get(referral=referral).acknowledged_by == context["user"]


def _appointment(context):
    return {**_date("day", timezone.localdate() + timedelta(days=2)), "time": "14:30", "place": "Harbour House, Truro"}


def _booked(context):
    appointment = FirstAppointment.objects.get(referral=context["referral"])
    assert (timezone.localtime(appointment.starts_at).strftime("%H:%M"), appointment.place) == ("14:30", "Harbour House, Truro")


def _session(context):
    return {**_date("held_on", timezone.localdate()), "attendance": "attended", "note": "Group session", **one_time_token()}


def _session_recorded(context):
    session = PartnerSession.objects.get(referral=context["referral"])
    assert (session.attendance, session.note, session.recorded_by) == ("attended", "Group session", context["user"])
    assert Referral.objects.get(pk=context["referral"].pk).status == Referral.Status.ENGAGED


def _note(context):
    return {"text": "Came to the drop-in and wants to join the group.", **one_time_token()}


def _noted(context):
    assert context["referral"].updates.filter(text="Came to the drop-in and wants to join the group.",
                                              recorded_by=context["user"]).exists()


def _close(context):
    return {"outcome": "engaged_completed", "summary": "Completed six group sessions."}


def _closed(context):
    pack = ReferralPack.objects.get(referral=context["referral"])
    assert (pack.outcome, pack.end_summary) == ("engaged_completed", "Completed six group sessions.")
    assert Referral.objects.get(pk=context["referral"].pk).status == Referral.Status.COMPLETED


def _contact_page():
    contact = PartnerUserFactory(partner=PartnerFactory(), is_point_of_contact=True)
    return {"user": contact.user, "account": contact, "url": reverse("portal:colleagues")}


def _invite(context):
    return {"first_name": "Ann", "last_name": "Hosking", "email": "ann.hosking@partner.example.org"}


def _invited(context):
    invitation = PartnerInvitation.objects.get(email="ann.hosking@partner.example.org")
    assert (invitation.partner, invitation.first_name, invitation.invited_by) == (
        context["account"].partner, "Ann", context["user"])


def _colleague_remove():
    context = _contact_page()
    colleague = PartnerUserFactory(partner=context["account"].partner)
    return {**context, "colleague": colleague, "url": reverse("portal:colleague_remove", args=[colleague.pk])}


def _removed(context):
    colleague = PartnerUser.objects.select_related("user").get(pk=context["colleague"].pk)
    assert colleague.removed_at is not None and not colleague.user.is_active


def _invitation():
    invitation = services.point_of_contact_invite(partner_id=PartnerFactory().pk, by=AdministratorFactory(),
                                                  email="kit@partner.example.org", first_name="Kit", last_name="Trewin",
                                                  base_url="http://testserver")
    return {"user": None, "invitation": invitation,
            "url": reverse("portal:invitation", args=[invitation.link.rstrip("/").rsplit("/", 1)[1]])}


def _accept(context):
    return {"username": "kit.trewin", "password1": "a-long-partner-password-9", "password2": "a-long-partner-password-9"}


def _accepted(context):
    account = PartnerUser.objects.get(user__username="kit.trewin")
    assert account.partner == context["invitation"].partner and account.is_point_of_contact
    assert PartnerInvitation.objects.get(pk=context["invitation"].pk).accepted_at is not None


def _pack_page():
    referral, keyworker, _ = shared_referral(pack=False)
    return {"user": keyworker, "referral": referral, "other": shared_referral()[0],
            "url": reverse("portal:pack", args=[referral.case_id, referral.pk])}


def _pack(context):
    return {**{name: value for name, value in PACK.items() if not isinstance(value, bool)}, "share_phone": "on"}


def _pack_shared(context):
    pack = ReferralPack.objects.get(referral=context["referral"])
    assert (pack.summary, pack.risk_who, pack.share_phone, pack.share_email, pack.shared_by) == (
        PACK["summary"], PACK["risk_who"], True, False, context["user"])


def _partner_accounts():
    partner = PartnerFactory()
    return {"user": AdministratorFactory(), "partner": partner, "url": reverse("portal:partner_accounts", args=[partner.pk])}


def _contact_invited(context):
    invitation = PartnerInvitation.objects.get(email="ann.hosking@partner.example.org")
    assert (invitation.partner, invitation.is_point_of_contact) == (context["partner"], True)


def _partner_user_remove():
    context = _partner_accounts()
    account = PartnerUserFactory(partner=context["partner"], is_point_of_contact=True)
    return {**context, "account": account,
            "url": reverse("portal:partner_user_remove", args=[context["partner"].pk, account.pk])}


def _admin_removed(context):
    assert PartnerUser.objects.get(pk=context["account"].pk).removed_at is not None


PARTNER = "Partner user"
FORM_CASES = [
    FormCase("/partner/referrals/<int:pk>/acknowledge/", PARTNER, _partner_page("acknowledge"), lambda c: {}, _acknowledged,
             button=True),
    FormCase("/partner/referrals/<int:pk>/appointment/", PARTNER, _partner_page("appointment"), _appointment, _booked),
    FormCase("/partner/referrals/<int:pk>/sessions/", PARTNER, _partner_page("session", acknowledged=True), _session,
             _session_recorded),
    FormCase("/partner/referrals/<int:pk>/notes/", PARTNER, _partner_page("note"), _note, _noted),
    FormCase("/partner/referrals/<int:pk>/close/", PARTNER, _partner_page("close", engaged=True), _close, _closed),
    FormCase("/partner/colleagues/", "Partner's point of contact", _contact_page, _invite, _invited),
    FormCase("/partner/colleagues/<int:pk>/remove/", "Partner's point of contact", _colleague_remove, lambda c: {},
             _removed, button=True),
    FormCase("/partner/invitation/<str:token>/", "Invited partner user (signed out)", _invitation, _accept, _accepted),
    FormCase("/cases/<int:pk>/referrals/<int:referral_pk>/pack/", "Keyworker holding the case", _pack_page, _pack,
             _pack_shared),
    FormCase("/partners/<int:pk>/portal/", "Administrator", _partner_accounts, _invite, _contact_invited),
    FormCase("/partners/<int:pk>/portal/<int:user_pk>/remove/", "Administrator", _partner_user_remove, lambda c: {},
             _admin_removed, button=True),
]
