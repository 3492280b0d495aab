"""Writes to users' in-app inboxes, to the record of every email and text message, and the reminders job's records."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from oocr.notifications.models import Delivery, Notification, Reminder, ReminderRun, ReminderSettings
from oocr.notifications.sms import SmsError, SmsTemporaryError, sms_backend

MAX_ATTEMPTS = 5
BATCH = 2000


def notification_send(*, user, text: str, url: str = "", case=None) -> Notification:
    """Put an item in a user's inbox (inside the caller's transaction, so it exists only if the change does).

    `case` names the case it is about, so that disposal at the end of retention finds it."""
    return Notification.objects.create(user=user, text=text, url=url, case=case)


def notify(*, kind: str, case, actor, event: str, context: dict | None = None, proposer=None,
           previous_keyworker=None, returners=(), url: str = "", attachment: tuple[str, str] | None = None) -> dict[str, list]:
    """Tell everyone a kind of notification names (`kinds.KINDS`) about a case, inside the caller's transaction.

    Staff get an inbox item and, where they have an email address, an email sent after the commit; the officer in
    the case gets an email. No one is told of their own act. `event` names what happened (a proposal, an
    allocation) so the same event sends each email once, however often it is called. Returns who was told,
    by role, for the caller's and the tests' reading. `attachment` (its name in the documents storage, and the file
    name to send it as) goes with the officer's email.
    """
    from django.urls import reverse

    from oocr.notifications.kinds import KINDS, OFFICER

    spec = KINDS[kind]
    url = url or reverse("cases:case_detail", args=[case.pk])
    values = {"case": case, "actor": actor, "actor_name": actor.get_full_name() or actor.username, "url": url, **(context or {})}
    subject, body = notification_render(kind=kind, context=values)
    told: dict[str, list] = {}
    seen = {actor.pk}
    for role in spec.recipients:
        if role == OFFICER:
            crime = case.crimes.first()
            if crime and crime.officer_email:
                queued = delivery_queue(key=f"officer:{kind.removeprefix('officer_')}:case{case.pk}", channel=Delivery.Channel.EMAIL,
                                        template=kind, user=actor, recipient=crime.officer_email, subject=subject, body=body,
                                        attachment=attachment)
                if queued and spec.discloses:
                    from oocr.audit.services import access_log_disclosure

                    access_log_disclosure(user=actor, record=case, person_id=case.person_id, recipient=crime.officer_email,
                                          justification=f"Officer in the case told: {spec.label.removeprefix('To the officer: ')}")
                told[role] = [crime.officer_email]
            continue
        for user in _staff_recipients(role, case=case, proposer=proposer, previous_keyworker=previous_keyworker,
                                      returners=returners):
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            notification_send(user=user, text=subject[:300], url=url, case=case)
            if user.email:
                delivery_queue(key=f"{kind}:{event}:user{user.pk}:case{case.pk}", channel=Delivery.Channel.EMAIL, template=kind,
                               user=user,
                               recipient=user.email, subject=subject[:200],
                               body=f"{body}\n\nOpen it in the OoCR case manager: {url}\n")
            told.setdefault(role, []).append(user)
    return told


def notification_render(*, kind: str, context: dict) -> tuple[str, str]:
    """A kind's subject (its template's first line) and body (the rest)."""
    from oocr.notifications.kinds import KINDS

    text = render_to_string(KINDS[kind].template, context).strip()
    subject, _, body = text.partition("\n")
    return " ".join(subject.split()), body.strip()


def _staff_recipients(role: str, *, case, proposer, previous_keyworker, returners=()) -> list:
    from oocr.notifications import kinds

    if role == kinds.SUBMITTER:
        return [case.created_by] if case.created_by_id else []
    if role == kinds.RETURNER:
        return sorted(set(returners), key=lambda user: user.pk)
    if role == kinds.PROPOSER:
        return [proposer] if proposer else []
    if role == kinds.PREVIOUS_KEYWORKER:
        return [previous_keyworker] if previous_keyworker else []
    latest = case.allocations.select_related("keyworker").order_by("-allocated_at", "-id").first()
    if role == kinds.KEYWORKER:
        return [latest.keyworker] if latest else []
    if role == kinds.SUPERVISORS:
        from oocr.accounts.roles import Role

        supervisors = get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True,
                                                      staff_profile__team__isnull=False)
        if latest is not None:  # the team of the keyworker holding it; before allocation, every team's queue
            supervisors = supervisors.filter(staff_profile__team__staff__user=latest.keyworker)
        return list(supervisors.distinct().order_by("id"))
    raise ValueError(f"No such recipient: {role}")


def notifications_mark_read(*, user, notifications: QuerySet[Notification] | None = None) -> int:
    """Mark some of a user's notifications (all of them by default) as read; returns how many changed."""
    unread = (notifications if notifications is not None else Notification.objects.all()).filter(user=user, read_at=None)
    return unread.update(read_at=timezone.now())


def delivery_queue(*, key: str, channel: str, template: str, recipient: str, body: str, subject: str = "",
                   user=None, person_id: int | None = None, attachment: tuple[str, str] | None = None) -> Delivery | None:
    """Record an email or text message to send, once per key, and send it after the caller's transaction commits.

    Returns None when a message with this key already exists (it is not sent again).
    """
    delivery, created = Delivery.objects.get_or_create(key=key, defaults=dict(
        channel=channel, template=template, recipient=recipient, body=body, subject=subject, user=user,
        person_id=person_id, attachment=attachment[0] if attachment else "", attachment_filename=attachment[1] if attachment else "",
    ))
    if not created:
        return None
    _enqueue([delivery.pk])
    return delivery


def _enqueue(delivery_ids: Iterable[int]) -> None:
    from oocr.notifications.tasks import delivery_send as task

    ids = list(delivery_ids)
    transaction.on_commit(lambda: [task.delay(delivery_id) for delivery_id in ids])


def delivery_send(*, delivery_id: int) -> str:
    """Send one waiting message and record the outcome: "sent", "failed", "retry", or "nothing" to do.

    The row is locked while sending (another worker holding it is skipped), and a
    message already sent is never sent again. A temporary failure is counted and
    left waiting for a retry; after MAX_ATTEMPTS, or a permanent failure, it is failed.
    """
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id, status=Delivery.Status.PENDING).first()
        if delivery is None:
            return "nothing"
        delivery.attempts += 1
        try:
            if delivery.channel == Delivery.Channel.EMAIL:
                if delivery.attachment:
                    _email_with_attachment(delivery)
                else:
                    send_mail(subject=delivery.subject, message=delivery.body, from_email=None,
                              recipient_list=[delivery.recipient])
                delivery.provider_reference = "email"
            else:
                delivery.provider_reference = sms_backend().send(to=delivery.recipient, text=delivery.body, reference=delivery.key)
        except (OSError, SmsTemporaryError) as error:
            delivery.error = f"{type(error).__name__}: {error}"[:1000]
            delivery.status = Delivery.Status.FAILED if delivery.attempts >= MAX_ATTEMPTS else Delivery.Status.PENDING
        except SmsError as error:
            delivery.error, delivery.status = f"{type(error).__name__}: {error}"[:1000], Delivery.Status.FAILED
        else:
            delivery.status, delivery.sent_at, delivery.error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save()
    if delivery.status == Delivery.Status.PENDING:
        return "retry"
    return delivery.status


def _email_with_attachment(delivery: Delivery) -> None:
    """Send an email with the file it names from the documents storage (read at sending: it is kept on the case)."""
    from django.core.files.storage import storages
    from django.core.mail import EmailMessage

    with storages["documents"].open(delivery.attachment, "rb") as file:
        content = file.read()
    message = EmailMessage(subject=delivery.subject, body=delivery.body, to=[delivery.recipient])
    message.attach(delivery.attachment_filename or "attachment.pdf", content, "application/pdf")
    message.send()


def reminder_settings_of(user) -> ReminderSettings:
    return ReminderSettings.objects.filter(user=user).first() or ReminderSettings(user=user)


def reminder_settings_update(*, user, lead_days: int, email: bool, kinds_on: Iterable[str], kinds: Iterable[str]) -> ReminderSettings:
    """Save which reminders a member of staff wants (every kind not chosen is off), how early, and the daily email."""
    if not 1 <= lead_days <= 14:
        raise ValidationError({"lead_days": "Days of notice must be between 1 and 14"})
    chosen = set(kinds_on)
    preferences = reminder_settings_of(user)
    preferences.lead_days, preferences.email = lead_days, email
    preferences.kinds_off = sorted(kind for kind in kinds if kind not in chosen)
    preferences.save()
    return preferences


def reminders_record(*, on: date, collect: Callable[[dict[int, int]], list], labels: dict[str, str]) -> ReminderRun:
    """The reminders job for one day: record and send each reminder due once, however often it runs.

    `collect(lead_days)` returns the `Due` items of the day. The run's row is
    locked first, so a second run for the same day (a retry, or another worker)
    waits and then finds every key already recorded. In one transaction: a
    Reminder row per new key, an in-app notification per staff reminder, one
    digest email per member of staff who wants it, a text or email per reminder
    to a person. After the commit, every message still waiting is sent (those of
    an earlier run that died included), each by its own retrying task.
    """
    with transaction.atomic():
        ReminderRun.objects.get_or_create(run_date=on)
        run = ReminderRun.objects.select_for_update().get(run_date=on)
        preferences = {p.user_id: p for p in ReminderSettings.objects.all()}
        due = [
            item for item in collect({user_id: p.lead_days for user_id, p in preferences.items()})
            if not (item.user_id and item.user_id in preferences and item.kind in preferences[item.user_id].kinds_off)
        ]
        new = _new_items(due)
        Reminder.objects.bulk_create([
            Reminder(key=item.key, kind=item.kind, run_date=on, user_id=item.user_id, person_id=item.person_id,
                     case_id=item.case_id, text=item.text[:300], url=item.url)
            for item in new
        ], batch_size=BATCH)
        to_staff = [item for item in new if item.user_id]
        Notification.objects.bulk_create(
            [Notification(user_id=item.user_id, case_id=item.case_id, text=item.text[:300], url=item.url)
             for item in to_staff], batch_size=BATCH,
        )
        deliveries = _digests(on, to_staff, preferences, labels) + _person_messages(new)
        existing = set(Delivery.objects.filter(key__in=[d.key for d in deliveries]).values_list("key", flat=True))
        Delivery.objects.bulk_create([d for d in deliveries if d.key not in existing], batch_size=BATCH)
        run.runs += 1
        run.reminders_made += len(new)
        run.deliveries_made += len(deliveries) - len(existing)
        run.started_at = run.started_at or timezone.now()
        run.finished_at = timezone.now()
        run.save()
        _enqueue(Delivery.objects.filter(status=Delivery.Status.PENDING).values_list("id", flat=True))
    return run


def _new_items(due: list) -> list:
    """The items whose key has no Reminder yet, each key once."""
    unique = {item.key: item for item in due}
    keys = list(unique)
    recorded = set()
    for start in range(0, len(keys), BATCH):
        recorded.update(Reminder.objects.filter(key__in=keys[start:start + BATCH]).values_list("key", flat=True))
    return [item for key, item in unique.items() if key not in recorded]


def _digests(on: date, to_staff: list, preferences: dict, labels: dict[str, str]) -> list[Delivery]:
    """One email per member of staff per day, listing their new reminders by kind."""
    by_user = defaultdict(list)
    for item in to_staff:
        if item.user_id not in preferences or preferences[item.user_id].email:
            by_user[item.user_id].append(item)
    users = get_user_model().objects.filter(pk__in=by_user).exclude(email="").values_list("id", "email", "first_name")
    digests = []
    for user_id, email, first_name in users:
        groups = defaultdict(list)
        for item in by_user[user_id]:
            groups[labels.get(item.kind, item.kind)].append(item)
        body = render_to_string("notifications/email/digest.txt", {"first_name": first_name, "on": on, "groups": dict(groups)})
        digests.append(Delivery(
            key=f"digest:user{user_id}:{on:%Y-%m-%d}", channel=Delivery.Channel.EMAIL, template="digest", user_id=user_id,
            recipient=email, subject=f"Your OoCR reminders for {on:%A %-d %B}: {len(by_user[user_id])} to act on", body=body,
        ))
    return digests


def _person_messages(new: list) -> list[Delivery]:
    """A text or email for each reminder to a person who agreed to them and can be reached that way."""
    return [
        Delivery(key=f"reminder:{item.key}", channel=item.channel, template=item.kind, person_id=item.person_id,
                 recipient=item.address, body=item.text, subject=settings.PERSON_EMAIL_SUBJECT)
        for item in new if item.person_id and item.address
    ]


DISPOSED_TEXT = "A notification about a case disposed of at the end of retention"


def case_urls_pattern(case_id: int) -> str:
    """The links an inbox item about a case has (the case, its submission, its allocation), as a regular expression."""
    return rf"^/(cases|intake|allocation)/{case_id}(/|$)"


@transaction.atomic
def case_messages_erase(*, case_id: int, person_id: int | None) -> None:
    """Disposal at the end of retention: the text of reminders about the case, of emails about it to the officer in
    the case and to staff (its decisions), and of messages sent to the person, goes. (Emails an app sent under its
    own keys, such as referrals to partners, go by `deliveries_text_erase` from that app's personal-data hook.)

    That a message was sent, to which officer address, when, and whether it arrived stays.
    """
    Reminder.objects.filter(case_id=case_id).update(text="")
    # The inbox items about the case (decisions quote reasons and notes); older ones found by their link to it.
    Notification.objects.filter(Q(case_id=case_id) | Q(url__regex=case_urls_pattern(case_id))).update(text=DISPOSED_TEXT)
    # The officer's emails and the staff's emails of decisions about the case (the notes and rationales they quote).
    Delivery.objects.filter(key__endswith=f":case{case_id}").update(subject="", body="", attachment="", attachment_filename="")
    if person_id is not None:
        Reminder.objects.filter(person_id=person_id).update(text="")
        Delivery.objects.filter(person_id=person_id).update(recipient="", subject="", body="")


def deliveries_text_erase(*, keys: Iterable[str]) -> None:
    """Disposal at the end of retention: the subject and body of the emails sent under these keys go; to whom and when stay."""
    Delivery.objects.filter(key__in=list(keys)).update(subject="", body="")
