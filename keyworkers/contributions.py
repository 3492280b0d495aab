"""What keyworkers adds to the case (cases builds under keyworkers and does not import it): the allocations in the
case's change history, and the end of the allocation when the case closes. Registered in KeyworkersConfig.ready()."""

from cases import sections
from cases.signals import case_closed
from keyworkers.models import Allocation
from keyworkers.services import allocation_end_for_closed_case


def _allocation_end(sender, *, case, user, **kwargs) -> None:
    allocation_end_for_closed_case(case=case, user=user, at=case.closed_at)


def register() -> None:
    sections.register_history("Allocation", lambda case: (Allocation, Allocation.history.filter(case_id=case.pk)))
    case_closed.connect(_allocation_end, dispatch_uid="keyworkers.allocation_end")
