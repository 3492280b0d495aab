"""What contracts adds to the apps below it, which do not import it: the case pages' parts (cases.sections), the
Victims' Code's facts (cases.victims_code) and the caseload's columns (keyworkers). Registered in
ContractsConfig.ready()."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cases import sections
from cases.models import Case
from cases.victims_code import victims_code_sources
from contracts import selectors
from contracts.models import Condition, Contact, Contract, contract_total_weeks, contract_week
from keyworkers.selectors import CaseloadColumns, caseload_columns_register


def _conditions_count(**due) -> Subquery:
    """How many of a case's conditions, not yet met or set aside, fall due in a window."""
    return Subquery(
        Condition.objects.filter(contract__case=OuterRef("pk"), **due)
        .exclude(status__in=Condition.SETTLED)
        .values("contract__case").annotate(n=Count("id")).values("n"),
        output_field=IntegerField(),
    )


def _caseload_annotations(at) -> dict:
    return {
        "contract_start": F("contract__start_date"),
        "contract_weeks": F("contract__weeks"),
        "contract_extension_days": F("contract__extension_days"),
        "next_appointment": Subquery(
            Contact.objects.filter(case=OuterRef("pk"), outcome="", starts_at__gte=at.now).order_by("starts_at").values("starts_at")[:1]
        ),
        "last_contact": Subquery(
            Contact.objects.filter(case=OuterRef("pk"), outcome__in=[Contact.Outcome.ATTENDED, Contact.Outcome.LATE])
            .order_by("-starts_at").values("starts_at")[:1]
        ),
        "conditions_due": Coalesce(_conditions_count(due_date__gte=at.today, due_date__lte=at.week_ahead), 0),
        "conditions_overdue": Coalesce(_conditions_count(due_date__lt=at.today), 0),
    }


def _caseload_row(case, *, today) -> None:
    case.week = contract_week(case.contract_start, today)
    case.contract_total_weeks = (
        contract_total_weeks(case.contract_weeks, case.contract_extension_days) if case.contract_start else None
    )


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
    caseload_columns_register("contracts", CaseloadColumns(annotations=_caseload_annotations, row=_caseload_row))
    victims_code_sources.agreed = selectors.victims_code_agreed
    victims_code_sources.not_done_reasons = selectors.victims_code_not_done_reasons
