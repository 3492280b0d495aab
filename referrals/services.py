"""Every write to partners and referrals."""

from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock, records_erase
from contracts.models import Condition, ConditionKind, NeedDomain
from contracts.services.contract import condition_evidence_follow
from oocr.audit.services import access_log_disclosure
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.csv_import import Problem, csv_import
from oocr.notifications.services import delivery_queue
from oocr.working_days import add_working_days
from referrals.models import Partner, Referral, ReferralUpdate
from oocr.audit.services import access_log_disclosure
from oocr.notifications.services import delivery_queue

# Where a referral is the evidence for a condition, the condition follows it.
CONDITION_FOLLOWS = {
    Referral.Status.ENGAGED: Condition.Status.IN_PROGRESS,
    Referral.Status.COMPLETED: Condition.Status.MET,
    Referral.Status.DISENGAGED: Condition.Status.NOT_MET,
    Referral.Status.DECLINED: Condition.Status.NOT_STARTED,
    Referral.Status.WITHDRAWN: Condition.Status.NOT_STARTED,
}


def partner_save(*, partner: Partner, need_domains, user=None, read_version=ANY_VERSION) -> Partner:
    """Create or change a partner. `read_version` is the version the editor read: a change made since is not overwritten."""
    with transaction.atomic():
        if partner.pk:
            version_bump(partner, read_version=read_version, user=user)
        partner.full_clean()
        partner.save()
        partner.need_domains.set(need_domains)
    return partner


PARTNER_COLUMNS = [
    "name", "type", "services", "needs", "areas", "who_they_take", "min_age", "max_age", "eligibility_notes",
    "phone", "email", "referral_email", "route", "acknowledge_days", "appointment_days", "active",
]


PARTNER_IMPORTED_FIELDS = [
    "kind", "services", "areas", "sex", "min_age", "max_age", "eligibility_notes", "route", "phone", "email", "referral_email",
    "acknowledge_days", "appointment_days", "is_active",
]


def partner_import_csv(*, text: str) -> tuple[int, int]:
    """Create or update partners (matched by name) from a CSV file: all rows or none (oocr/csv_import.py).

    Needs are need-domain codes separated by `;`. Set-based: one read of the directory, one INSERT
    of the new partners, one UPDATE of the others, their needs replaced in one DELETE and one INSERT.
    Returns (created, updated); raises ValidationError listing every bad row by its line.
    """
    domains = {domain.code: domain for domain in NeedDomain.objects.all()}
    directory = {partner.name: partner for partner in Partner.objects.all()}

    def names_once(rows) -> list[str]:
        names = Counter(row["name"] for _, row in rows)
        return [f"{name} appears more than once" for name in sorted(name for name, count in names.items() if count > 1)]

    def row_check(line: int, row: dict[str, str]):
        partner = directory.get(row["name"]) or Partner(name=row["name"])
        problems = []
        codes = [code.strip() for code in row["needs"].split(";") if code.strip()]
        problems += [Problem("needs", f"needs: no need domain has the code {code}") for code in codes if code not in domains]
        if not codes:
            problems.append(Problem("needs", "needs: give at least one need domain code"))
        for column in ("min_age", "max_age", "acknowledge_days", "appointment_days"):
            value = row[column]
            if value and not value.isdigit():
                problems.append(Problem(column, f"{column}: {value[:20]!r} is not a whole number"))
            elif not value and column.endswith("_days"):
                problems.append(Problem(column, f"{column}: give the number of working days"))
            # A bad or missing number is reported once, above: 0 keeps the model's own checks from repeating it.
            setattr(partner, column, int(value) if value.isdigit() else (0 if column.endswith("_days") else None))
        if row["active"].lower() not in ("yes", "no", ""):
            problems.append(Problem("active", "active: write yes or no"))
        partner.kind, partner.services, partner.areas = row["type"], row["services"], row["areas"]
        partner.sex, partner.eligibility_notes, partner.route = row["who_they_take"], row["eligibility_notes"], row["route"]
        partner.phone, partner.email, partner.referral_email = row["phone"], row["email"], row["referral_email"]
        partner.is_active = row["active"].lower() != "no"
        try:
            partner.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems += [Problem(field, f"{field}: {' '.join(messages)}") for field, messages in error.message_dict.items()]
        return (partner, [domains[code] for code in dict.fromkeys(codes) if code in domains]), problems

    def save(partners) -> tuple[int, int]:
        new = [partner for partner, _ in partners if partner.pk is None]
        existing = [partner for partner, _ in partners if partner.pk is not None]
        now = timezone.now()
        for partner in existing:
            partner.updated_at = now  # auto_now is not applied by bulk_update
        Partner.objects.bulk_create(new)
        Partner.objects.bulk_update(existing, PARTNER_IMPORTED_FIELDS + ["updated_at"])
        Partner.history.bulk_history_create(new)
        Partner.history.bulk_history_create(existing, update=True)
        Needs = Partner.need_domains.through
        Needs.objects.filter(partner__in=existing).delete()
        Needs.objects.bulk_create([Needs(partner=partner, needdomain=domain) for partner, needs in partners for domain in needs])
        return len(new), len(existing)

    return csv_import(text=text, columns=PARTNER_COLUMNS, row_check=row_check, save=save, file_check=names_once,
                      name="Partner import")


def _open_case(case_id: int) -> Case:
    case = case_lock(case_id=case_id)
    if not case.referral_allowed:
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so no referral can be made or changed.")
    return case


@transaction.atomic
def referral_create(*, case_id: int, user, partner: Partner, need_domain: NeedDomain, shared: str,
                    consent_to_share: bool, condition_id: int | None = None, eligibility_override: str = "") -> Referral:
    """A draft referral of the case's person to a partner, with what will be shared and the consent to share it.

    Refused for a partner no longer taking referrals, without consent, and, unless
    a reason is given, for a person outside who the partner takes.
    """
    case = _open_case(case_id)
    errors = {}
    if not partner.is_active:
        errors["partner"] = f"{partner.name} is not taking referrals. Choose another partner"
    if not consent_to_share:
        errors["consent_to_share"] = "The person must agree to share this with the partner before you refer them"
    problems = partner.eligibility_problems(case.person, on=timezone.localdate())
    if problems and not eligibility_override.strip():
        errors["eligibility_override"] = f"{'. '.join(problems)}. Give a reason to refer them anyway"
    condition = None
    if condition_id:
        condition = Condition.objects.filter(
            pk=condition_id, contract__case=case, kind=ConditionKind.REHABILITATIVE
        ).exclude(status__in=Condition.SETTLED).first()
        if condition is None:
            errors["condition"] = "Choose a rehabilitative condition of this case's contract that is not yet settled"
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        case=case, partner=partner, need_domain=need_domain, condition=condition, route=partner.route,
        shared=shared.strip(), consent_to_share=True, eligibility_override=eligibility_override.strip() if problems else "",
        created_by=user,
    )
    referral.full_clean()
    referral.save()
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.REFERRAL,
                             text=f"Referral to {partner.name} drafted ({need_domain.name})")
    return referral


def referral_delivery_key(referral_id: int) -> str:
    """The key of the email that sends a referral to its partner (found again by it at disposal)."""
    return f"referral:{referral_id}"


@transaction.atomic
def referral_send(*, case_id: int, referral_id: int, user, sent_by: str, on: date,
                  introduction_present: str = "", introduced_how: str = "") -> Referral:
    """Send a draft referral: emailed from here (after the commit) or recorded as made another way.

    The partner's expected working days set the dates by which it should be
    acknowledged and the person seen; past those the referral is overdue.
    """
    case = _open_case(case_id)
    referral = Referral.objects.select_for_update().select_related("partner").get(pk=referral_id, case=case)
    partner = referral.partner
    errors = {}
    if on > timezone.localdate():
        errors["on"] = "The date sent must be today or in the past"
    if sent_by == Referral.SentBy.EMAIL and not partner.referral_email:
        errors["sent_by"] = f"{partner.name} has no referral email: choose how you sent it"
    if sent_by == Referral.SentBy.WARM_INTRODUCTION:
        if not introduction_present.strip():
            errors["introduction_present"] = "Enter who was present at the introduction"
        if not introduced_how:
            errors["introduced_how"] = "Select how the introduction was made"
    if errors:
        raise ValidationError(errors)
    referral.move(Referral.Status.SENT, on=on)
    referral.sent_by = sent_by
    referral.sent_to = partner.referral_email if sent_by == Referral.SentBy.EMAIL else partner.name
    if sent_by == Referral.SentBy.WARM_INTRODUCTION:
        referral.introduction_present, referral.introduced_how = introduction_present.strip(), introduced_how
    referral.acknowledge_by = add_working_days(on, partner.acknowledge_days)
    referral.engage_by = add_working_days(on, partner.appointment_days)
    referral.full_clean()
    referral.save()
    ReferralUpdate.objects.create(referral=referral, happened_on=on, status=Referral.Status.SENT, recorded_by=user,
                                  text=referral.get_sent_by_display())
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.REFERRAL,
                             text=f"Referral to {partner.name} sent: {referral.get_sent_by_display().lower()}")
    if sent_by == Referral.SentBy.EMAIL:
        _referral_email_queue(referral, user)
    return referral


def _referral_email_queue(referral: Referral, user) -> None:
    """Email the referral to the partner's referral address after the commit, once, and log the disclosure.

    The email holds the minimum the partner needs to contact the person: no offence details.
    """
    partner = referral.partner
    context = {"referral": referral, "person": referral.case.person, "keyworker": user}
    queued = delivery_queue(
        key=referral_delivery_key(referral.pk), channel="email", template="referral", user=user, recipient=partner.referral_email,
        subject=f"Referral from the Out of Court Resolutions team: {referral.need_domain.name}",
        body=render_to_string("referrals/email/referral.txt", context),
    )
    if queued:
        access_log_disclosure(
            user=user, record=referral, person_id=referral.case.person_id, recipient=partner.referral_email,
            justification=f"Referral to {partner.name} ({referral.need_domain.name}) with the person's consent",
        )


@transaction.atomic
def referral_progress_record(*, case_id: int, referral_id: int, user, on: date, status: str = "", source: str = "",
                             text: str = "", reason: str = "") -> Referral:
    """Record what the partner told us: a step of the referral (with its date), or news between steps.

    A linked condition follows the referral (engaged: in progress; completed: met;
    disengaged: not met; declined or withdrawn: not started), unless it is already settled.
    """
    case = _open_case(case_id)
    referral = Referral.objects.select_for_update().select_related("partner").get(pk=referral_id, case=case)
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if not status and not text.strip():
        raise ValidationError({"text": "Enter what happened, or choose the step the referral has reached"})
    if status == Referral.Status.SENT:
        raise ValidationError({"status": "Send a draft referral with 'Send the referral'"})
    update = ReferralUpdate(referral=referral, happened_on=on, status=status, source=source.strip(), text=text.strip(),
                            recorded_by=user)
    update.full_clean()
    if status:
        referral.move(status, on=on, reason=reason)
        referral.save()
    update.save()
    step = f": {update.get_status_display().lower()}" if status else ": update"
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.REFERRAL,
                             text=f"Referral to {referral.partner.name}{step}. {update.text}".strip())
    if status in CONDITION_FOLLOWS and referral.condition_id:
        _condition_follow(case, referral, user)
    return referral


def _condition_follow(case: Case, referral: Referral, user) -> None:
    if case.status == Case.Status.ACTIVE:
        condition_evidence_follow(
            case=case, condition_id=referral.condition_id, status=CONDITION_FOLLOWS[referral.status], user=user,
            note=f"{referral.last_step_on:%-d %B %Y}: referral to {referral.partner.name} "
                 f"{referral.get_status_display().lower()}.",
        )


@transaction.atomic
def referral_condition_link(*, case_id: int, referral_id: int, user, condition_id: int | None,
                            read_version=ANY_VERSION) -> Referral:
    """Make a referral the evidence for a rehabilitative condition (or for none), over the link the keyworker read."""
    case = _open_case(case_id)
    referral = Referral.objects.select_for_update().get(pk=referral_id, case=case)
    version_bump(referral, read_version=read_version, user=user)
    condition = None
    if condition_id:
        condition = Condition.objects.filter(pk=condition_id, contract__case=case, kind=ConditionKind.REHABILITATIVE).first()
        if condition is None:
            raise ValidationError({"condition": "Choose a rehabilitative condition of this case's contract"})
    referral.condition = condition
    referral.save(update_fields=["condition", "version"])
    if condition and referral.status in CONDITION_FOLLOWS:
        _condition_follow(case, referral, user)
    return referral


@transaction.atomic
def case_free_text_erase(*, case_id: int) -> None:
    """Disposal at the end of retention: remove what referrals say about the person; partners, routes and dates stay."""
    records_erase(Referral.objects.filter(case_id=case_id), shared="", introduction_present="", sent_to="")
    records_erase(ReferralUpdate.objects.filter(referral__case_id=case_id), text="")
