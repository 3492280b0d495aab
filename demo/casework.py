"""Demo case work for `manage.py seed_demo`: first contacts (accepted and declined) and needs assessments.

Made through the real services on the older allocations, so caseloads show
cases waiting for first contact, in assessment, and recently declined.
Idempotent: it does nothing once any first contact exists.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from cases.models import Case, Crime, FirstContact
from cases.selectors import victims_code_items
from cases.services import case_first_contact_record, person_reminders_set, victim_contact_record
from contracts.models import ConditionTemplate, NeedDomain, NeedsAssessment
from contracts.models import Contact, Contract
from contracts.selectors import scheme_settings
from contracts.services.assessment import needs_assessment_record
from contracts.services.closure import closure_decide, closure_propose
from contracts.services.contacts import contact_record, non_compliance_record
from contracts.services.contract import condition_add, condition_progress_record, contract_draft_start, contract_sign
from keyworkers.models import Allocation

STRENGTHS = ["Supportive partner", "Working part time", "Close to their grandmother", "Keen to get back to college",
             "Volunteers at a food bank"]
GOALS = ["Stay out of trouble and keep my job", "Sort out my debts", "Get my own place", "Cut down my drinking"]


def demo_casework_seed(*, share: float = 0.6) -> int:
    """Record first contact on the older allocations (a quarter decline) and assess half who agree."""
    if FirstContact.objects.exists():
        return 0
    rng = random.Random(5)
    domains = list(NeedDomain.objects.filter(is_active=True))
    cutoff = timezone.now() - timedelta(days=3)
    allocations = list(
        Allocation.objects.filter(ended_at=None, case__status=Case.Status.ALLOCATED, allocated_at__lt=cutoff)
        .select_related("case", "keyworker").order_by("allocated_at")
    )
    chosen = allocations[: int(len(allocations) * share)]
    # The officer-in-the-case emails of the demo go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _demo_first_contacts(rng, chosen, domains)
        _demo_contracts(rng)
        _demo_delivery(rng, domains)
    return len(chosen)


def _demo_first_contacts(rng: random.Random, chosen, domains) -> None:
    """First contact on each chosen allocation (a quarter decline); half of those who agree are assessed."""
    for allocation in chosen:
        answer = FirstContact.Answer.DECLINED if rng.random() < 0.25 else FirstContact.Answer.ACCEPTED
        case_first_contact_record(
            case_id=allocation.case_id, user=allocation.keyworker, answer=answer,
            offered_on=timezone.localdate(allocation.allocated_at) + timedelta(days=rng.randint(1, 3)),
            method=rng.choice(FirstContact.Method.values), notes="",
        )
        if answer == FirstContact.Answer.ACCEPTED and rng.random() < 0.5:
            needs_assessment_record(
                case_id=allocation.case_id, user=allocation.keyworker, kind="baseline",
                data={"strengths": rng.choice(STRENGTHS), "goals": rng.choice(GOALS), "previous_offending": "",
                      "offence_context": ""},
                scores={d.pk: {"score": rng.choice([0, 0, 1, 1, 2, 3]), "notes": "", "safeguarding": False} for d in domains},
            )


# A few tailored contracts: (template title, extra fields). Some fall due tomorrow and some are overdue, so
# `manage.py send_reminders` in the demo has something to say at once.
CONTRACT_CONDITIONS = [
    [("Alcohol service sessions", {"recurrence": "Every Wednesday for 8 weeks"}),
     ("Letter of apology to the community", {"due_in_days": 1})],
    [("Debt advice", {"due_in_days": -4}), ("Unpaid work in the community", {"hours_required": 15, "due_date_weeks": 12}),
     ("Do not enter a named shop", {"target": "Co-op Food, Fore Street", "recurrence": "Throughout the contract"})],
    [("Drug service assessment and treatment", {"recurrence": "Weekly, as the service arranges"}),
     ("Employment support", {"due_date_weeks": 10})],
]


def _demo_contracts(rng: random.Random) -> None:
    """Contracts for most assessed cases, agreed over the last weeks, so caseloads show active cases."""
    for number, assessment in enumerate(
        NeedsAssessment.objects.filter(case__status=Case.Status.ASSESSMENT, kind=NeedsAssessment.Kind.BASELINE)
        .select_related("case", "recorded_by").order_by("id")
    ):
        if number % 3 == 2:
            continue  # some are still being drafted
        case, keyworker = assessment.case, assessment.recorded_by
        today = timezone.localdate()
        if number == 0:
            # The first contract was agreed 17 weeks ago, so the demo has one ready to complete: its case goes back too.
            signed_on = today - timedelta(weeks=17, days=rng.randint(0, 6))
            _demo_backdate(case, to=signed_on)
        else:
            # Agreed over the last week, never before the first contact (the case's timeline checks it).
            signed_on = max(today - timedelta(days=rng.randint(0, 6)), case.first_contact.offered_on)
        contract_draft_start(case_id=case.pk, user=keyworker)
        ends_on = signed_on + timedelta(weeks=scheme_settings().contract_weeks)
        for title, fields in CONTRACT_CONDITIONS[number % len(CONTRACT_CONDITIONS)]:
            template = ConditionTemplate.objects.get(title=title)
            extra = dict(fields)
            weeks, days = extra.pop("due_date_weeks", None), extra.pop("due_in_days", None)
            due_date = signed_on + timedelta(weeks=weeks) if weeks else None
            if days is not None:  # due around today, within the contract
                due_date = min(max(today + timedelta(days=days), signed_on), ends_on)
            condition_add(case_id=case.pk, user=keyworker, template=template, data={
                "description": template.text, "need_domain": template.need_domain, "victim": None, "target": "",
                "hours_required": None, "recurrence": "", **extra, "due_date": due_date,
            })
        contract_sign(case_id=case.pk, user=keyworker, agreement="signed_in_person", signed_on=signed_on)


def _demo_backdate(case, *, to) -> None:
    """Move a demo case's offence, submission, allocation and first contact back before a contract agreed on `to`."""
    moment = timezone.make_aware(datetime.combine(to, time(9)))
    Crime.objects.filter(case=case).update(offence_date=to - timedelta(days=21))
    Case.objects.filter(pk=case.pk).update(submitted_at=moment - timedelta(days=14))
    Allocation.objects.filter(case=case).update(allocated_at=moment - timedelta(days=7))
    FirstContact.objects.filter(case=case).update(offered_on=to)


def _victims_told(case, keyworker) -> None:
    """The keyworker gave each victim the Victims' Code updates due so far, on the day each fell due (or today)."""

    for item in victims_code_items(case=case):
        if item.is_due:
            victim_contact_record(case_id=case.pk, user=keyworker, victim_id=item.victim_id, data={
                "contacted_on": min(item.due_on, timezone.localdate()), "method": "phone", "purpose": item.purpose,
                "notes": ""})


def _demo_delivery(rng: random.Random, domains) -> None:
    """Contacts on every active contract; then one completion, one missed appointment, one breach proposal, one withdrawal."""
    contracts = list(Contract.objects.filter(status=Contract.Status.ACTIVE).select_related("case").order_by("start_date", "id"))
    for number, contract in enumerate(contracts):
        case = contract.case
        keyworker = case.allocations.get(ended_at=None).keyworker
        allocated_on = case.timeline.allocated_on
        for days_ago in (5, 2):
            # Not before the case was allocated; the oldest contract's last contacts follow its end, and say why.
            day = max(timezone.localdate() - timedelta(days=days_ago), allocated_on)
            contact_record(case_id=case.pk, user=keyworker, data={
                "type": rng.choice(["face_to_face", "phone", "home_visit"]), "place": "Truro police station",
                "starts_at": timezone.make_aware(datetime.combine(day, time(9 + rng.randint(0, 5)))),
                "outcome": Contact.Outcome.ATTENDED, "duration_minutes": rng.choice([30, 45, 60]), "notes": "",
                "outside_reason": "Meeting to close the case after the contract ended"})
        tomorrow_at_ten = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(10)))
        contact_record(case_id=case.pk, user=keyworker, data={
            "type": "face_to_face", "place": "Truro police station", "outcome": "", "duration_minutes": 45, "notes": "",
            "outside_reason": "Meeting to close the case after the contract ended", "starts_at": tomorrow_at_ten + timedelta(days=0 if number % 2 else rng.choice([1, 3, 5]), hours=rng.randint(0, 5))})
        if case.person.phone and rng.random() < 0.5:  # half the people agreed to text reminders
            person_reminders_set(case_id=case.pk, user=keyworker, reminders_by="sms")
    if not contracts:
        return
    oldest = contracts[0]
    keyworker = oldest.case.allocations.get(ended_at=None).keyworker
    for condition in oldest.conditions.exclude(kind="standard"):
        condition_progress_record(case_id=oldest.case_id, user=keyworker, condition_id=condition.pk, status="met",
                                  evidence="Confirmed by the service", hours_done=condition.hours_required or 0)
    needs_assessment_record(case_id=oldest.case_id, user=keyworker, kind="closing", data={},
                            scores={d.pk: {"score": rng.choice([0, 0, 1]), "notes": "", "safeguarding": False} for d in domains})
    _victims_told(oldest.case, keyworker)
    closure_propose(case_id=oldest.case_id, user=keyworker, result="completed", reason="Every condition met.")
    for number, contract in enumerate(contracts[1:4]):
        case = contract.case
        keyworker = case.allocations.get(ended_at=None).keyworker
        non_compliance_record(case_id=case.pk, user=keyworker, data={
            "kind": "missed_appointment", "contact": None,
            "occurred_on": max(timezone.localdate() - timedelta(days=1), contract.start_date),
            "reasonable_excuse": number == 0, "response": ["none", "warning", "propose_breach"][number], "notes": ""})
        if number == 2:
            breached_on = max(timezone.localdate() - timedelta(days=1), contract.start_date)
            _victims_told(case, keyworker)
            proposal = closure_propose(case_id=case.pk, user=keyworker, result="breached",
                                       reason="Second missed appointment and no reply to calls or letters.", breach={
                                           "breach_on": breached_on,
                                           "conditions_breached": list(contract.conditions.exclude(kind="standard")
                                                                       .values_list("pk", flat=True)[:1]),
                                           "circumstances": "Missed two appointments in a row without a reason.",
                                           "tried": "A warning after the first; calls, texts and a letter after the second.",
                                           "discussion": "Discussed at supervision: no contact for three weeks."})
            if len(contracts) > 5:  # one breach approved, the next left waiting for a supervisor
                closure_decide(proposal_id=proposal.pk, user=get_user_model().objects.get(username="supervisor1"), approve=True,
                               note="Two unexplained absences after a warning, and no contact since: the contract has broken down.")
                other = contracts[5].case
                closure_propose(case_id=other.pk, user=other.allocations.get(ended_at=None).keyworker, result="breached",
                                reason="Arrested for a new offence of theft.", breach={
                                    "breach_on": max(timezone.localdate() - timedelta(days=2), contracts[5].start_date),
                                    "new_offence": "Theft from a shop (crime reference on the police system)",
                                    "circumstances": "Arrested for shoplifting during the contract.",
                                    "tried": "Weekly appointments kept until the arrest; referral to substance misuse support."},
                                victim_update_reason="The victim asked to hear only the outcome, not each step.")
    if len(contracts) > 4:
        case = contracts[4].case
        _victims_told(case, case.allocations.get(ended_at=None).keyworker)
        closure_propose(case_id=case.pk, user=case.allocations.get(ended_at=None).keyworker, result="withdrawn",
                        withdrawal_reason="moved_away", reason="Moved to Leeds for work.")
