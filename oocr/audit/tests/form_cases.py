"""The subject access request form, for the form harness (oocr/tests/form_harness.py)."""

from django.urls import reverse

from keyworkers.tests.factories import AwaitingAllocationCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.audit.models import AccessLog
from oocr.tests.form_harness import FormCase

REFERENCE = "SAR/2026-0042"


def _request_received():
    case = AwaitingAllocationCaseFactory()
    return {"user": AdministratorFactory(), "url": reverse("audit:subject_access"), "case": case}


def _exported_and_disclosed(context):
    entries = AccessLog.objects.filter(person_id=context["case"].person_id, user=context["user"])
    assert set(entries.values_list("kind", flat=True)) == {AccessLog.Kind.EXPORT, AccessLog.Kind.DISCLOSURE}
    assert all(REFERENCE in entry.justification for entry in entries)


FORM_CASES = [
    FormCase("/administration/access-log/subject-access/", "Administrator", _request_received,
             lambda context: {"record": f"OOCR-{context['case'].pk:06d}", "reference": REFERENCE}, _exported_and_disclosed),
    FormCase("/administration/access-log/subject-access/", "Administrator, by person record number", _request_received,
             lambda context: {"record": str(context["case"].person_id), "reference": REFERENCE}, _exported_and_disclosed),
]
