"""The contract document the person keeps: the same words as a printable page and as a PDF."""

from cases.models import Crime
from contracts.models import Contract
from oocr.pdf import html_to_pdf


def contract_context(contract: Contract) -> dict:
    case = contract.case
    keyworker = case.allocations.filter(ended_at=None).select_related("keyworker__staff_profile").first()
    keyworker = keyworker.keyworker if keyworker else None
    crimes = Crime.objects.filter(case=case).prefetch_related("offences").order_by("offence_date", "pk")
    return {
        "contract": contract,
        "case": case,
        "conditions": contract.conditions.all(),
        "keyworker": keyworker,
        "keyworker_phone": getattr(getattr(keyworker, "staff_profile", None), "work_phone", "") if keyworker else "",
        # The offence(s) the contract defers, in the catalogue's words, with the date each crime was committed.
        "deferred_offences": [(crime, [offence.title for offence in crime.offences.all()]) for crime in crimes],
        "charge_route": case.route == case.Route.DEFERRED_CHARGE,
    }


def contract_pdf(contract: Contract) -> bytes:
    return html_to_pdf("contracts/contract_document.html", contract_context(contract))
