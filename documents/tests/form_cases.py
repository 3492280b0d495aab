"""The documents forms, for the form harness (oocr/tests/form_harness.py).

The harness runs each variant in a savepoint it rolls back; a file an accepted upload wrote stays in
the documents storage without a row: tests/test_forms_matrix.py moves that storage to a temporary folder
(documents.tests.fixtures), so nothing lands under var/.
"""

from django.urls import reverse
from django.utils import timezone

from contracts.models import NonCompliance
from contracts.tests.factories import ActiveContractFactory, breach_record, holder_of
from documents.models import CaseDocument
from documents.tests.factories import PDF
from keyworkers.tests.factories import SupervisorProfileFactory
from oocr.tests.concurrency import one_time_token
from oocr.tests.form_harness import FormCase
from oocr.tests.uploads import Upload

HOLDER, SUPERVISOR = "keyworker holding the case", "Supervisor"


def _on(case, name):
    return {"user": holder_of(case), "case": case, "url": reverse(f"documents:{name}", args=[case.pk])}


def _upload_page():
    return _on(ActiveContractFactory().case, "document_new")


def _partner_letter(context):
    return {"kind": "partner_letter", "description": "Food bank: 4 sessions attended",
            "file": Upload("food-bank.pdf", PDF, content_type="application/pdf"), **one_time_token()}


def _kept(context):
    document = CaseDocument.objects.get(case=context["case"])
    assert (document.kind, document.description, document.file_type, document.size) == (
        "partner_letter", "Food bank: 4 sessions attended", "pdf", len(PDF))
    assert document.storage_name


def _missed(case) -> NonCompliance:
    return NonCompliance.objects.create(case=case, kind=NonCompliance.Kind.MISSED_APPOINTMENT, reasonable_excuse=False,
                                        occurred_on=timezone.localdate(), response=NonCompliance.Response.WARNING,
                                        decided_by=holder_of(case))


def _warning_page():
    case = ActiveContractFactory().case
    return {**_on(case, "warning_letter"), "event": _missed(case), "other": _missed(ActiveContractFactory().case)}


def _warning_letter_kept(context):
    letter = CaseDocument.objects.get(case=context["case"], kind=CaseDocument.Kind.WARNING_LETTER)
    assert letter.non_compliance == context["event"] and letter.storage_name


def _breached():
    from contracts.services.closure import closure_decide, closure_propose

    case = ActiveContractFactory().case
    proposal = closure_propose(case_id=case.pk, user=holder_of(case), result="breached", reason="Stopped coming",
                               breach=breach_record())
    supervisor = SupervisorProfileFactory().user
    closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True, note="A new offence during the contract")
    CaseDocument.objects.filter(case=case).delete()  # as a breach decided before its approval made the pack
    return {"user": supervisor, "case": case, "url": reverse("documents:breach_pack", args=[case.pk])}


def _breach_pack_kept(context):
    assert CaseDocument.objects.get(case=context["case"], kind=CaseDocument.Kind.BREACH_PACK).storage_name


FORM_CASES = [
    FormCase("/cases/<int:pk>/documents/new/", HOLDER, _upload_page, _partner_letter, _kept),
    FormCase("/cases/<int:pk>/documents/warning-letter/", HOLDER, _warning_page,
             lambda context: {"non_compliance": str(context["event"].pk)}, _warning_letter_kept,
             foreign=lambda context: {"non_compliance": str(context["other"].pk)}),
    FormCase("/cases/<int:pk>/documents/breach-pack/", SUPERVISOR, _breached, lambda context: {}, _breach_pack_kept,
             button=True),
]
