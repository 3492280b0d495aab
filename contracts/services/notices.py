"""Who hears at once of a proposal or a decision (contracts, closures, variations): the supervisors of the team when
something waits for them, the keyworker and the proposer when a supervisor has decided."""

from django.urls import reverse

from cases.models import Case
from cases.services import ROUTE_NEXT_STEPS
from contracts.models import ClosureProposal, VariationProposal
from oocr.notifications.services import notify


def decision_tell(case: Case, proposal, *, user) -> None:
    """The case's keyworker and whoever proposed it hear of a supervisor's decision at once, with the note."""
    if isinstance(proposal, VariationProposal):
        kind = "variation_decided"
    else:
        kind = "breach_decided" if proposal.result == ClosureProposal.Result.BREACHED else "closure_decided"
    notify(kind=kind, case=case, actor=user, event=f"{proposal.noun}{proposal.pk}", proposer=proposal.proposed_by, context={
        "proposal": proposal, "what": proposal.what, "approved": proposal.decision == proposal.Decision.APPROVED,
        "contract": getattr(proposal, "contract", None), "next_step": next_step(case, "breached"),
    })


def next_step(case: Case, result: str) -> str:
    return ROUTE_NEXT_STEPS.get((result, case.route), "")


def waiting_tell(case: Case, *, user, kind: str = "proposal_waiting", event: str, **context) -> None:
    """The supervisors of the keyworker's team hear at once that something waits for them (not at the next reminders)."""
    notify(kind=kind, case=case, actor=user, event=event, context=context,
           url=context.pop("url", "") or reverse("contracts:decisions"))
