"""The contract document the person keeps: the same words as a printable page and as a PDF."""

from io import BytesIO

from django.template.loader import render_to_string
from xhtml2pdf import pisa

from contracts.models import Contract


def contract_context(contract: Contract) -> dict:
    case = contract.case
    keyworker = case.allocations.filter(ended_at=None).select_related("keyworker").first()
    return {
        "contract": contract,
        "case": case,
        "conditions": contract.conditions.all(),
        "keyworker": keyworker.keyworker if keyworker else None,
        "charge_route": case.route == case.Route.DEFERRED_CHARGE,
    }


def contract_pdf(contract: Contract) -> bytes:
    """Render the contract to PDF (xhtml2pdf: pure Python, so no system libraries to install)."""
    html = render_to_string("contracts/contract_document.html", contract_context(contract))
    output = BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"The contract PDF could not be made ({result.err} errors)")
    return output.getvalue()
