"""Which case states allow which work of this app: one place, so a change of rule is one edit.

Each set names the case states (`cases.models.Case.Status`) in which a service accepts the work, and refuses it in
any other, with a sentence saying why.
"""

from cases.models import Case
from contracts.models import NeedsAssessment

# When each assessment may be recorded: the first before and during the contract, the closing one at its end.
ASSESSMENT_STATES = {
    NeedsAssessment.Kind.BASELINE: (Case.Status.ASSESSMENT, Case.Status.ACTIVE),
    NeedsAssessment.Kind.CLOSING: (Case.Status.ACTIVE,),
}


def assessments_open(case: Case) -> list[str]:
    """The kinds of needs assessment the case's stage allows recording now."""
    return [kind for kind, states in ASSESSMENT_STATES.items() if case.status in states]


# Appointments are booked, held and moved while the case is open and before it closes.
OPEN_FOR_CONTACT = (Case.Status.ALLOCATED, Case.Status.ASSESSMENT, Case.Status.ACTIVE)
