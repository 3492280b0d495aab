"""Every write of the partner portal: invitations and partner accounts, the referral pack, and the partner's actions.

A partner's action on a referral goes through referrals' own service (`referral_progress_record`), so the
referral's steps, the case's timeline and the linked condition follow exactly as when a keyworker records what
the partner said; the keyworker is then told (oocr.notifications, kinds `partner_*`).
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStateError
from oocr.accounts.services import sessions_end
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.errors import DomainError
from oocr.notifications.services import delivery_queue, notify
from portal.models import FirstAppointment, PartnerInvitation, PartnerSession, PartnerUser, ReferralPack, token_digest
from referrals.models import Partner, Referral
from referrals.services import referral_progress_record
from cases.services import records_erase

User = get_user_model()


class PortalRefused(DomainError):
    """A partner action the referral's state, or the account's standing, does not allow."""


# --- Invitations and accounts ---------------------------------------------------------------------


def _invitation_make(*, partner: Partner, by, email: str, first_name: str, last_name: str, point_of_contact: bool,
                     base_url: str) -> PartnerInvitation:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account already has this email address"})
    if PartnerInvitation.objects.filter(email__iexact=email, accepted_at=None, cancelled_at=None,
                                        expires_at__gt=timezone.now()).exists():
        raise ValidationError({"email": "An invitation to this email address is waiting to be used"})
    token = secrets.token_urlsafe(32)
    invitation = PartnerInvitation.objects.create(
        partner=partner, email=email, first_name=first_name.strip(), last_name=last_name.strip(),
        is_point_of_contact=point_of_contact, token_digest=token_digest(token), invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.PARTNER_INVITATION_DAYS),
    )
    link = base_url.rstrip("/") + reverse("portal:invitation", args=[token])
    body = render_to_string("portal/email/invitation.txt", {"invitation": invitation, "link": link,
                                                             "days": settings.PARTNER_INVITATION_DAYS})
    transaction.on_commit(lambda: send_mail(
        subject=f"Your invitation to the {settings.FORCE_NAME} partner portal", message=body, from_email=None,
        recipient_list=[email],
    ))
    invitation.link = link  # shown once to the inviter (and used by the tests); never stored
    return invitation


@transaction.atomic
def point_of_contact_invite(*, partner_id: int, by, email: str, first_name: str, last_name: str,
                            base_url: str) -> PartnerInvitation:
    """An administrator invites a partner organisation's single point of contact."""
    if not by.has_perm("accounts.manage_accounts"):
        raise PortalRefused("Only an administrator invites a partner's point of contact.")
    partner = Partner.objects.select_for_update().get(pk=partner_id)
    return _invitation_make(partner=partner, by=by, email=email, first_name=first_name, last_name=last_name,
                            point_of_contact=True, base_url=base_url)


@transaction.atomic
def colleague_invite(*, account: PartnerUser, email: str, first_name: str, last_name: str,
                     base_url: str) -> PartnerInvitation:
    """The partner's point of contact invites a colleague of their own organisation."""
    if not account.is_point_of_contact:
        raise PortalRefused("Only your organisation's point of contact invites colleagues.")
    return _invitation_make(partner=account.partner, by=account.user, email=email, first_name=first_name,
                            last_name=last_name, point_of_contact=False, base_url=base_url)


def invitation_by_token(token: str) -> PartnerInvitation | None:
    return PartnerInvitation.objects.select_related("partner").filter(token_digest=token_digest(token)).first()


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str) -> PartnerUser:
    """Make the partner account the invitation is for; the link then stops working. Signing in asks a code."""
    invitation = PartnerInvitation.objects.select_for_update().filter(token_digest=token_digest(token)).first()
    if invitation is None or not invitation.usable():
        raise PortalRefused("This invitation has expired or has been used. Ask for a new one.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That user name is taken: choose another"})
    user = User(username=username, first_name=invitation.first_name, last_name=invitation.last_name,
                email=invitation.email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    user.save()
    account = PartnerUser.objects.create(user=user, partner=invitation.partner,
                                         is_point_of_contact=invitation.is_point_of_contact,
                                         invited_by=invitation.invited_by)
    invitation.accepted_at, invitation.account = timezone.now(), account
    invitation.save(update_fields=["accepted_at", "account"])
    return account


@transaction.atomic
def partner_user_remove(*, account_id: int, by) -> PartnerUser:
    """Remove a partner user: their account closes and their sessions end, so the next request is refused.

    An administrator removes anyone; a point of contact removes colleagues of their own organisation, not themselves.
    """
    account = PartnerUser.objects.select_for_update().select_related("user", "partner").get(pk=account_id)
    by_partner = PartnerUser.objects.filter(user=by, removed_at=None).first()
    if by_partner is not None:
        if not by_partner.is_point_of_contact or by_partner.partner_id != account.partner_id:
            raise PortalRefused("Only your organisation's point of contact removes colleagues.")
        if by_partner.pk == account.pk:
            raise PortalRefused("You cannot remove yourself: ask the team's administrator.")
    elif not by.has_perm("accounts.manage_accounts"):
        raise PortalRefused("Only an administrator or the partner's point of contact removes partner users.")
    if account.removed_at is not None:
        raise PortalRefused("This person has been removed already.")
    account.removed_at, account.removed_by = timezone.now(), by
    account.save(update_fields=["removed_at", "removed_by"])
    User.objects.filter(pk=account.user_id).update(is_active=False)
    sessions_end(user=account.user)
    return account


# --- The referral pack (the keyworker) --------------------------------------------------------------


PACK_FIELDS = ["share_phone", "share_email", "share_address", "summary", "risk_who", "risk_when", "risk_nature",
               "dates_agreed"]


@transaction.atomic
def pack_save(*, referral_id: int, case_id: int, user, data: dict, read_version=ANY_VERSION) -> ReferralPack:
    """Share (or change) the referral pack: what the partner's users see in the portal, and nothing else."""
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral_id, case_id=case_id)
    if not referral.case.referral_allowed or not referral.is_open:
        raise CaseStateError("Only an open referral of an open case is shared with the partner.")
    pack = ReferralPack.objects.filter(referral=referral).first()
    if pack is None:
        pack = ReferralPack(referral=referral, shared_by=user)
    else:
        version_bump(pack, read_version=read_version, user=user)
    for name in PACK_FIELDS:
        value = data[name]
        setattr(pack, name, value.strip() if isinstance(value, str) else value)
    if not pack.summary:
        raise ValidationError({"summary": "Enter your summary for the partner"})
    pack.full_clean(exclude=["referral"])
    pack.save()
    return pack


# --- The partner's actions ----------------------------------------------------------------------------


def _partner_referral(account: PartnerUser, referral_id: int) -> Referral:
    """Lock the partner's referral, or refuse: another partner's, never shared, withdrawn, or a closed case's."""
    from portal.selectors import partner_referrals

    # Not locked here: referrals' service locks the case, then the referral, as every other writer does.
    referral = partner_referrals(account=account).filter(pk=referral_id).first()
    if referral is None:
        raise Referral.DoesNotExist("No such referral")
    return referral


def _source(account: PartnerUser) -> str:
    return f"{account.user.get_full_name()} at {account.partner.name} (partner portal)"[:200]


def _tell(kind: str, referral: Referral, account: PartnerUser, event: str, **context) -> None:
    notify(kind=kind, case=referral.case, actor=account.user, event=event,
           context={"referral": referral, "partner": account.partner, **context},
           url=reverse("portal:pack", args=[referral.case_id, referral.pk]))


def _step(account: PartnerUser, referral: Referral, *, status: str = "", on: date | None = None, text: str = "",
          reason: str = "") -> Referral:
    if not referral.is_open:
        raise PortalRefused(f"This referral is {referral.get_status_display().lower()}: nothing more can be recorded.")
    try:
        return referral_progress_record(case_id=referral.case_id, referral_id=referral.pk, user=account.user,
                                        on=on or timezone.localdate(), status=status, source=_source(account),
                                        text=text, reason=reason)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "on" in error.error_dict:
            raise ValidationError({"held_on": error.error_dict["on"]}) from error
        raise


@transaction.atomic
def referral_acknowledge(*, account: PartnerUser, referral_id: int) -> ReferralPack:
    """The partner has the referral: timestamped now, counting against their acknowledgement deadline."""
    referral = _partner_referral(account, referral_id)
    if referral.status != Referral.Status.SENT:
        raise PortalRefused("This referral has been acknowledged already.")
    _step(account, referral, status=Referral.Status.ACKNOWLEDGED, text="Acknowledged in the partner portal.")
    pack = ReferralPack.objects.select_for_update().get(referral=referral)
    pack.acknowledged_at, pack.acknowledged_by = timezone.now(), account.user
    pack.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _tell("partner_acknowledged", referral, account, event=f"ack{referral.pk}")
    return pack


@transaction.atomic
def appointment_book(*, account: PartnerUser, referral_id: int, starts_at: datetime, place: str,
                     read_version=ANY_VERSION) -> FirstAppointment:
    """Book the first appointment, or move it (over the version the partner read); the referral is acknowledged by it."""
    referral = _partner_referral(account, referral_id)
    if not referral.is_open:
        raise PortalRefused("This referral is closed: nothing more can be recorded.")
    if starts_at.date() < referral.sent_on:
        raise ValidationError({"starts_at": f"The appointment cannot be before the referral was sent, on {referral.sent_on:%-d %B %Y}"})
    if starts_at.date() > timezone.localdate() + timedelta(days=365):
        raise ValidationError({"starts_at": "The appointment must be within a year"})
    appointment = FirstAppointment.objects.filter(referral=referral).first()
    moved = appointment is not None
    if appointment is None:
        appointment = FirstAppointment(referral=referral, booked_by=account.user)
    else:
        version_bump(appointment, read_version=read_version, user=account.user)
    appointment.starts_at, appointment.place = starts_at, place.strip()
    appointment.booked_by, appointment.booked_at = account.user, timezone.now()
    appointment.full_clean(exclude=["referral"])
    appointment.save()
    when = timezone.localtime(starts_at)
    if referral.status == Referral.Status.SENT:
        referral_acknowledge_inline(account, referral)
    _step(account, referral, text=f"First appointment {'moved to' if moved else 'booked for'} {when:%-d %B %Y at %H:%M}.")
    _tell("partner_appointment", referral, account, event=f"appt{appointment.pk}v{appointment.version}", when=when,
          moved=moved)
    return appointment


def referral_acknowledge_inline(account: PartnerUser, referral: Referral) -> None:
    """Booking before acknowledging acknowledges too (with its own timestamp)."""
    _step(account, referral, status=Referral.Status.ACKNOWLEDGED, text="Acknowledged in the partner portal.")
    ReferralPack.objects.filter(referral=referral, acknowledged_at=None).update(acknowledged_at=timezone.now(),
                                                                                acknowledged_by=account.user)
    referral.refresh_from_db()


@transaction.atomic
def session_record(*, account: PartnerUser, referral_id: int, held_on: date, attendance: str, note: str = "") -> PartnerSession:
    """One session and whether the person came. The first attended session engages the referral (its condition: in progress)."""
    referral = _partner_referral(account, referral_id)
    if not referral.is_open:
        raise PortalRefused("This referral is closed: nothing more can be recorded.")
    if referral.status == Referral.Status.SENT:
        raise PortalRefused("Acknowledge the referral before recording sessions.")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The session's date must be today or in the past"})
    if held_on < referral.sent_on:
        raise ValidationError({"held_on": f"The session cannot be before the referral was sent, on {referral.sent_on:%-d %B %Y}"})
    session = PartnerSession(referral=referral, held_on=held_on, attendance=attendance, note=note.strip(),
                             recorded_by=account.user)
    session.full_clean(exclude=["referral"])
    session.save()
    label = session.get_attendance_display().lower()
    text = f"Session on {held_on:%-d %B %Y}: {label}." + (f" {session.note}" if session.note else "")
    if attendance == PartnerSession.Attendance.ATTENDED and referral.status == Referral.Status.ACKNOWLEDGED:
        _step(account, referral, status=Referral.Status.ENGAGED, on=max(held_on, referral.acknowledged_on or held_on),
              text=text)
    else:
        _step(account, referral, text=text)
    _tell("partner_attendance", referral, account, event=f"session{session.pk}", session=session)
    return session


@transaction.atomic
def note_add(*, account: PartnerUser, referral_id: int, text: str) -> Referral:
    """A progress note from the partner, on the referral's updates the keyworker reads."""
    referral = _partner_referral(account, referral_id)
    if not text.strip():
        raise ValidationError({"text": "Enter the progress note"})
    referral = _step(account, referral, text=text.strip())
    update = referral.updates.order_by("-id").first()
    _tell("partner_note", referral, account, event=f"note{update.pk}")
    return referral


# Each outcome: the referral's step from each status it may close from, and why (for an ending).
OUTCOME_STEPS = {
    ReferralPack.Outcome.COMPLETED: {Referral.Status.ENGAGED: (Referral.Status.COMPLETED, "")},
    # The person carries on with the partner: for the contract, the referral has done its work.
    ReferralPack.Outcome.ONGOING: {Referral.Status.ENGAGED: (Referral.Status.COMPLETED, "")},
    ReferralPack.Outcome.DID_NOT_ENGAGE: {
        Referral.Status.ACKNOWLEDGED: (Referral.Status.DISENGAGED, Referral.EndReason.DID_NOT_ATTEND),
        Referral.Status.ENGAGED: (Referral.Status.DISENGAGED, Referral.EndReason.STOPPED_ATTENDING),
    },
    ReferralPack.Outcome.NOT_SUITABLE: {
        Referral.Status.SENT: (Referral.Status.DECLINED, Referral.EndReason.NOT_ELIGIBLE),
        Referral.Status.ACKNOWLEDGED: (Referral.Status.DECLINED, Referral.EndReason.NOT_ELIGIBLE),
    },
}


@transaction.atomic
def referral_close(*, account: PartnerUser, referral_id: int, outcome: str, summary: str) -> ReferralPack:
    """Close the referral with its outcome and an end-of-service summary; the referral and its condition follow."""
    referral = _partner_referral(account, referral_id)
    if not referral.is_open:
        raise PortalRefused("This referral is closed already.")
    if not summary.strip():
        raise ValidationError({"summary": "Enter the end-of-service summary"})
    step = OUTCOME_STEPS.get(outcome, {}).get(referral.status)
    if step is None:
        label = dict(ReferralPack.Outcome.choices).get(outcome, "this outcome")
        hint = {"engaged_completed": "Record the session they attended first",
                "engaged_ongoing": "Record the session they attended first",
                "did_not_engage": "Acknowledge the referral first",
                "not_suitable": "The person has engaged: choose another outcome"}.get(outcome, "Choose the outcome")
        raise ValidationError({"outcome": f"A referral that is {referral.get_status_display().lower()} cannot close as "
                                          f"{str(label).lower()}. {hint}"})
    status, reason = step
    label = ReferralPack.Outcome(outcome).label
    _step(account, referral, status=status, reason=reason, text=f"Closed by the partner: {label.lower()}. {summary.strip()}")
    pack = ReferralPack.objects.select_for_update().get(referral=referral)
    pack.outcome, pack.end_summary, pack.closed_at, pack.closed_by = outcome, summary.strip(), timezone.now(), account.user
    pack.save(update_fields=["outcome", "end_summary", "closed_at", "closed_by"])
    _tell("partner_closed", referral, account, event=f"closed{referral.pk}", outcome=label)
    return pack


# --- Service levels: the daily escalation ------------------------------------------------------------


def overdue_escalate(*, on: date) -> int:
    """Escalate each overdue referral shared through the portal, once per stage: to the keyworker (inbox and email)
    and by email to the partner's point of contact. Safe to run twice (notification and email keys)."""
    from portal.selectors import overdue_packs

    escalated = 0
    for referral in overdue_packs(on=on):
        stage = "ack" if referral.status == Referral.Status.SENT and referral.acknowledge_by < on else "appt"
        with transaction.atomic():
            pack = ReferralPack.objects.select_for_update().get(referral=referral)
            if pack.escalated_stage == stage:
                continue  # escalated on an earlier day, or by a run a moment ago
            due = referral.acknowledge_by if stage == "ack" else referral.engage_by
            what = "acknowledged" if stage == "ack" else "given a first appointment"
            told = notify(kind="partner_overdue", case=referral.case, actor=_system_actor(referral),
                          event=f"{stage}{referral.pk}",
                          context={"referral": referral, "partner": referral.partner, "due": due, "what": what},
                          url=reverse("portal:pack", args=[referral.case_id, referral.pk]))
            body = render_to_string("portal/email/overdue.txt", {"referral": referral, "due": due, "what": what,
                                                                 "force_name": settings.FORCE_NAME})
            for contact in PartnerUser.objects.filter(partner=referral.partner, is_point_of_contact=True, removed_at=None,
                                                      user__is_active=True).select_related("user"):
                delivery_queue(key=f"portal-overdue:{stage}:ref{referral.pk}:user{contact.user_id}", channel="email",
                               template="partner_overdue", user=contact.user, recipient=contact.user.email,
                               subject=f"A referral from the {settings.FORCE_NAME} team is overdue", body=body)
            pack.escalated_stage = stage
            pack.save(update_fields=["escalated_stage"])
            escalated += bool(told)
    return escalated


def _system_actor(referral: Referral):
    """Who 'did' an escalation: nobody on the staff (notify tells no one of their own act), so the portal itself."""
    return User(pk=0, username="partner-portal", first_name="The partner portal")


# --- Retention ------------------------------------------------------------------------------------------------


@transaction.atomic
def case_free_text_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: what the pack and the partner said about the person goes; dates, outcomes,
    attendance and who did what stay."""
    records_erase(ReferralPack.objects.filter(referral__case_id=case_id), summary="", risk_who="", risk_when="",
                  risk_nature="", dates_agreed="", end_summary="")
    records_erase(FirstAppointment.objects.filter(referral__case_id=case_id), place="")
    PartnerSession.objects.filter(referral__case_id=case_id).update(note="")
