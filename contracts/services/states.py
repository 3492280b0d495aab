"""Which needs assessments a case's stage allows: the states themselves are named once, on `Case`."""

from cases.models import Case
from contracts.models import NeedsAssessment

# When each assessment may be recorded: the first before and during the contract, the closing one at its end.
ASSESSMENT_STATES = {
    NeedsAssessment.Kind.BASELINE: Case.BASELINE_ASSESSMENT_ALLOWED,
    NeedsAssessment.Kind.CLOSING: Case.CLOSING_ASSESSMENT_ALLOWED,
}


def assessments_open(case: Case) -> list[str]:
    """The kinds of needs assessment the case's stage allows recording now."""
    return [kind for kind, states in ASSESSMENT_STATES.items() if case.status in states]
