"""What contracts adds to the case pages (cases.sections) and tells the Victims' Code (cases.victims_code): cases
builds under contracts and does not import it. Registered in ContractsConfig.ready()."""

from cases import sections
from cases.models import Case
from cases.victims_code import victims_code_sources
from contracts import selectors
from contracts.models import Condition, Contact, Contract


def _closure(*, case, user, today) -> dict:
    return {"pending_closure": selectors.pending_closure(case=case)}


def _sensitive(*, case, user, today) -> dict | None:
    if case.status == Case.Status.DRAFT:
        return None
    return {"sensitive": selectors.case_sensitive_records(case=case)}


def _conditions(case):
    contract_ids = list(Contract.objects.filter(case=case).values_list("pk", flat=True))
    return Condition, Condition.history.filter(contract_id__in=contract_ids)


def register() -> None:
    sections.register(sections.Section(
        name="contracts.closure", page="overview", order=30, context=_closure,
        templates={"alerts": "contracts/sections/pending_closure.html", "next_step": "contracts/sections/close_button.html"},
    ))
    sections.register(sections.Section(
        name="contracts.sensitive", page="submission", context=_sensitive,
        templates={"held_by_team": "contracts/sections/sensitive_records.html"},
    ))
    sections.register_history("Contract", lambda case: (Contract, Contract.history.filter(case_id=case.pk)))
    sections.register_history("Condition", _conditions)
    sections.register_history("Contact", lambda case: (Contact, Contact.history.filter(case_id=case.pk)))
    victims_code_sources.agreed = selectors.victims_code_agreed
    victims_code_sources.not_done_reasons = selectors.victims_code_not_done_reasons
