"""The contract PDF the person signs: the offence it defers, the keyworker's phone, a signature block kept whole."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from contracts.documents import contract_pdf
from contracts.models import Condition, ConditionKind
from contracts.tests.factories import ActiveContractFactory, holder_of
from keyworkers.models import StaffProfile

pytestmark = pytest.mark.django_db

HEADINGS = ("The offence this contract defers", "What you have agreed to do", "Your keyworker",
            "If you do not keep to the contract", "Signatures")


def pages_of(contract) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(contract_pdf(contract))).pages]


def test_the_pdf_holds_the_offence_the_keyworkers_phone_and_the_signature_block():
    contract = ActiveContractFactory()
    holder = holder_of(contract.case)
    StaffProfile.objects.filter(user=holder).update(work_phone="01872 555 010")
    text = " ".join(pages_of(contract))
    crime = contract.case.crimes.get()
    assert f"Theft from a shop (Theft Act 1968 s.1), on {crime.offence_date:%-d %B %Y} (crime reference {crime.reference})" in text
    assert f"{holder.get_full_name()}, {holder.email}, phone 01872 555 010" in text
    assert f"Signed by the person ({contract.case.person})" in text
    assert f"Signed by the keyworker ({holder.get_full_name()})" in text
    assert text.count("Date") >= 2


def test_no_heading_ends_a_page_and_the_signature_block_stays_on_one_page():
    contract = ActiveContractFactory()
    for n in range(18):  # enough conditions to run the contract over several pages
        Condition.objects.create(contract=contract, kind=ConditionKind.REHABILITATIVE,
                                 description=f"Condition {n}: you will go to every session of the course " * 3,
                                 due_date=timezone.localdate() + timedelta(days=30 + n))
    pages = pages_of(contract)
    assert len(pages) >= 2
    for page in pages[:-1]:
        assert not page.rstrip().endswith(HEADINGS), page[-200:]
    signatures = [page for page in pages if "Signatures" in page]
    assert len(signatures) == 1
    assert "Signed by the person" in signatures[0] and "Signed by the keyworker" in signatures[0]
