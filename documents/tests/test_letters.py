"""The warning letter and the breach pack: made from their templates, kept on the case as PDFs, each once."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, CaseStateError
from contracts.models import ClosureProposal, NonCompliance
from contracts.services.closure import closure_decide, closure_propose
from contracts.tests.factories import ActiveContractFactory, breach_record, holder_of
from documents import services
from documents.models import CaseDocument
from documents.services import documents_storage
from keyworkers.models import StaffProfile
from keyworkers.tests.factories import SupervisorProfileFactory

pytestmark = pytest.mark.django_db


def text_of(document: CaseDocument) -> str:
    with documents_storage().open(document.storage_name, "rb") as file:
        pages = PdfReader(BytesIO(file.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def non_compliance(case, *, excuse=False) -> NonCompliance:
    return NonCompliance.objects.create(case=case, kind=NonCompliance.Kind.MISSED_APPOINTMENT, reasonable_excuse=excuse,
                                        occurred_on=timezone.localdate(), response=NonCompliance.Response.WARNING,
                                        decided_by=holder_of(case))


def test_a_warning_letter_after_unexcused_non_compliance_is_kept_on_the_case_once(client):
    case = ActiveContractFactory().case
    holder = holder_of(case)
    StaffProfile.objects.filter(user=holder).update(work_phone="01872 555 010")
    event = non_compliance(case)
    client.force_login(holder)
    response = client.post(reverse("documents:warning_letter", args=[case.pk]), {"non_compliance": event.pk})
    assert response.status_code == 302
    letter = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.WARNING_LETTER)
    assert (letter.non_compliance, letter.file_type) == (event, "pdf")
    text = text_of(letter)
    assert "Warning: you have not kept to your contract" in text
    assert f"On {event.occurred_on:%-d %B %Y} you did not keep to your contract: missed appointment" in text
    assert "01872 555 010" in text and "simple caution" in text
    with pytest.raises(ValidationError, match="A warning letter about this was made"):
        services.warning_letter_make(case_id=case.pk, user=holder, non_compliance_id=event.pk)
    assert CaseDocument.objects.filter(kind=CaseDocument.Kind.WARNING_LETTER).count() == 1


def test_no_warning_letter_for_an_excused_absence_or_another_cases_non_compliance():
    case = ActiveContractFactory().case
    excused = non_compliance(case, excuse=True)
    elsewhere = non_compliance(ActiveContractFactory().case)
    for event in (excused, elsewhere):
        with pytest.raises(ValidationError, match="Select the non-compliance"):
            services.warning_letter_make(case_id=case.pk, user=holder_of(case), non_compliance_id=event.pk)
    assert not CaseDocument.objects.exists()


def breached_case():
    case = ActiveContractFactory().case
    holder = holder_of(case)
    non_compliance(case)
    proposal = closure_propose(case_id=case.pk, user=holder, result="breached",
                               reason="Missed three appointments and stopped answering",
                               breach=breach_record(circumstances="Three missed appointments"))
    supervisor = SupervisorProfileFactory().user
    closure_decide(proposal_id=proposal.pk, user=supervisor, approve=True, note="Every chance was given")
    case.refresh_from_db()
    return case, supervisor


def test_the_breach_pack_for_the_officer_holds_the_breach_the_decision_and_the_next_step(client):
    case, supervisor = breached_case()
    assert case.status == Case.Status.BREACHED
    pack = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.BREACH_PACK)  # made at the approval
    client.force_login(supervisor)
    text = text_of(pack)
    crime = case.crimes.get()
    assert "Breach pack for the officer in the case" in text
    assert crime.reference in text and "Theft from a shop" in text
    assert "Missed three appointments and stopped answering" in text and "Every chance was given" in text
    assert f"Breached on {timezone.localdate():%-d %B %Y}" in text
    assert "comes back to you to give a simple caution" in text
    client.post(reverse("documents:breach_pack", args=[case.pk]))  # sent again: refused, nothing new
    assert CaseDocument.objects.filter(kind=CaseDocument.Kind.BREACH_PACK).count() == 1


def test_the_breach_pack_waits_for_the_breach_and_is_a_supervisors_to_make(client):
    case = ActiveContractFactory().case
    with pytest.raises(CaseStateError, match="once a supervisor has approved the breach"):
        services.breach_pack_make(case_id=case.pk, user=SupervisorProfileFactory().user)
    breached, _ = breached_case()
    client.force_login(holder_of(case))
    assert client.post(reverse("documents:breach_pack", args=[breached.pk])).status_code in (403, 404)
    assert CaseDocument.objects.filter(added_by=holder_of(case)).count() == 0  # only the approval's pack is there
    assert CaseDocument.objects.filter(case=breached).count() == 1
    assert ClosureProposal.objects.filter(case=breached).exists()


def test_a_breach_decided_before_packs_were_made_at_approval_gets_one_by_hand(client):
    case, supervisor = breached_case()
    CaseDocument.objects.filter(case=case).delete()
    client.force_login(supervisor)
    assert client.post(reverse("documents:breach_pack", args=[case.pk])).status_code == 302
    assert "Breach pack for the officer in the case" in text_of(CaseDocument.objects.get(case=case))
