"""Reads of documents, always through a case the caller has already reached by its own role and ownership."""

from django.db.models import QuerySet

from cases.models import Case
from contracts.models import NonCompliance
from documents.models import CaseDocument


def case_documents(*, case: Case) -> QuerySet[CaseDocument]:
    """The documents of one case, newest first (the case comes from `cases.selectors.case_detail`)."""
    return CaseDocument.objects.filter(case=case).select_related("added_by").order_by("-added_at", "-id")


def case_document_downloadable(*, case: Case, document_id: int) -> CaseDocument | None:
    """A document of this case whose file is still kept; another case's, or a disposed one, is not found."""
    return CaseDocument.objects.filter(case=case, pk=document_id, disposed_at=None).exclude(storage_name="").first()


def warning_letter_candidates(*, case: Case):
    """The non-compliance without a reasonable excuse that has no warning letter yet, newest first."""
    lettered = CaseDocument.objects.filter(case=case, kind=CaseDocument.Kind.WARNING_LETTER,
                                           non_compliance__isnull=False).values("non_compliance_id")
    return NonCompliance.objects.filter(case=case, reasonable_excuse=False).exclude(pk__in=lettered).order_by("-occurred_on", "-id")
