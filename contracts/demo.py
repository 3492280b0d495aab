"""Demo case work for `manage.py seed_demo`: first contacts (accepted and declined) and needs assessments.

Made through the real services on the older allocations, so caseloads show
cases waiting for first contact, in assessment, and recently declined.
Idempotent: it does nothing once any first contact exists.
"""

import random
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from cases.models import Case, FirstContact
from cases.services import case_first_contact_record
from contracts.models import ConditionTemplate, NeedDomain, NeedsAssessment
from contracts.services import condition_add, contract_draft_start, contract_sign, needs_assessment_record
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
    with mail.get_connection(backend="django.core.mail.backends.locmem.EmailBackend"):
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
    _demo_contracts(rng)
    return len(chosen)


# A few tailored contracts: (template title, extra fields)
CONTRACT_CONDITIONS = [
    [("Alcohol service sessions", {"recurrence": "Every Wednesday for 8 weeks"}),
     ("Letter of apology to the community", {"due_date_weeks": 4})],
    [("Debt advice", {"due_date_weeks": 6}), ("Unpaid work in the community", {"hours_required": 15, "due_date_weeks": 12}),
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
        signed_on = timezone.localdate() - timedelta(days=rng.randint(0, 6))
        contract_draft_start(case_id=case.pk, user=keyworker)
        for title, fields in CONTRACT_CONDITIONS[number % len(CONTRACT_CONDITIONS)]:
            template = ConditionTemplate.objects.get(title=title)
            extra = dict(fields)
            weeks = extra.pop("due_date_weeks", None)
            condition_add(case_id=case.pk, user=keyworker, template=template, data={
                "description": template.text, "need_domain": template.need_domain, "victim": None, "target": "",
                "hours_required": None, "recurrence": "", **extra,
                "due_date": signed_on + timedelta(weeks=weeks) if weeks else None,
            })
        contract_sign(case_id=case.pk, user=keyworker, signed_on=signed_on, agreement="signed_in_person")
