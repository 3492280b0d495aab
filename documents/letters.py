"""The letters the service makes from templates (templates/documents/letters/), read by anyone who opens the code.

Each builder returns the template's context; `letter_pdf` renders it. The breach pack reads whatever
the breach proposal records (what led to it, what was tried, the discussion, the supervisor's rationale)
and leaves out what a proposal made before those were asked does not hold.
"""

from django.conf import settings
from django.utils import timezone

from cases.models import Case
from contracts.documents import contract_context
from contracts.models import ClosureProposal, Condition, ConditionKind, Contract, NonCompliance
from oocr.pdf import html_to_pdf

# What a breach proposal records (contracts.models.ClosureProposal), in the order the pack prints it; empty ones are left out.
BREACH_PROPOSAL_FIELDS = [
    ("reason", "Why the keyworker proposed the breach"),
    ("new_offence", "The new offence"),
    ("circumstances", "What led to it"),
    ("tried", "What was tried first"),
    ("discussion", "Discussion with the supervisor"),
    ("decision_note", "The supervisor's rationale"),
]


def _common(case: Case) -> dict:
    contract = Contract.objects.filter(case=case).select_related("case__person").first()
    base = contract_context(contract) if contract else {"case": case, "keyworker": None, "keyworker_phone": "",
                                                        "deferred_offences": [], "charge_route": False}
    if base["keyworker"] is None:  # a closed case: its allocation has ended, and the letter names who held it last
        latest = case.allocations.select_related("keyworker__staff_profile").order_by("-allocated_at").first()
        if latest is not None:
            profile = getattr(latest.keyworker, "staff_profile", None)
            base = {**base, "keyworker": latest.keyworker, "keyworker_phone": getattr(profile, "work_phone", "")}
    return {**base, "today": timezone.localdate(), "force_name": settings.FORCE_NAME, "service_name": settings.SERVICE_NAME,
            "person": case.person}


def warning_letter_context(*, case: Case, non_compliance: NonCompliance) -> dict:
    return {**_common(case), "non_compliance": non_compliance}


def breach_pack_context(*, case: Case) -> dict:
    """For the officer in the case: the person, the crime, the contract and its conditions, each non-compliance,
    the breach proposal and decision, and the next step for the route."""
    proposal = (ClosureProposal.objects.filter(case=case, result=ClosureProposal.Result.BREACHED)
                .exclude(decision=ClosureProposal.Decision.REFUSED).select_related("proposed_by", "decided_by")
                .order_by("-proposed_at", "-id").first())
    sections = []
    if proposal is not None:
        sections = [(label, getattr(proposal, field).strip()) for field, label in BREACH_PROPOSAL_FIELDS
                    if getattr(proposal, field).strip()]
    conditions = Condition.objects.filter(contract__case=case).exclude(kind=ConditionKind.STANDARD).order_by("id")
    breach_date = (proposal.breach_on if proposal else None) or (timezone.localdate(case.closed_at) if case.closed_at else None)
    return {
        **_common(case),
        "crimes": case.crimes.prefetch_related("offences").order_by("offence_date", "pk"),
        "proposal": proposal,
        "proposal_sections": sections,
        "breach_date": breach_date,
        "conditions": conditions,
        "non_compliance": NonCompliance.objects.filter(case=case).order_by("occurred_on", "id"),
    }


def letter_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(f"documents/letters/{template}.html", context)
