"""File uploads refuse the wrong type, size or content with a clear message, and save nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Offence
from evaluation.models import CrimeRecordImport, HarmWeightSet
from oocr.accounts.tests.factories import AdministratorFactory
from referrals.models import Partner

pytestmark = pytest.mark.django_db

UPLOADS = {
    "cases:offence_import": Offence,
    "referrals:partner_import": Partner,
    "evaluation:weight_import": HarmWeightSet,
}
BAD_FILES = {
    "a program": ("tool.exe", b"MZ\x90\x00\x03", "The file must be a CSV file smaller than 2 MB"),
    "a spreadsheet": ("offences.xlsx", b"PK\x03\x04", "The file must be a CSV file smaller than 2 MB"),
    "too big": ("big.csv", b"code,title\n" + b"x" * 2_000_001, "The file must be a CSV file smaller than 2 MB"),
    "not text": ("binary.csv", b"\xff\xfe\x00\x00\x81", "The file must be a CSV file saved as UTF-8"),
}


@pytest.mark.parametrize("url_name", UPLOADS)
@pytest.mark.parametrize("bad", BAD_FILES)
def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_saved(client, url_name, bad):
    name, content, message = BAD_FILES[bad]
    model = UPLOADS[url_name]
    before = model.objects.count()
    client.force_login(AdministratorFactory())
    response = client.post(reverse(url_name), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'class="govuk-error-summary"' in page
    assert model.objects.count() == before


@pytest.mark.parametrize("bad", BAD_FILES)
def test_a_wrong_crime_record_extract_is_refused_before_anything_is_kept(client, monkeypatch, bad):
    """The extract's own limit is 200 MB (a year's events of a force); lowered here to 2 MB to test it."""
    monkeypatch.setattr("evaluation.forms.CRIME_EXTRACT_MAX_BYTES", 2_000_000)
    name, content, message = BAD_FILES[bad]
    client.force_login(AdministratorFactory())
    response = client.post(reverse("evaluation:import_new"), {"file": SimpleUploadedFile(name, content)})
    assert message in response.content.decode()
    assert not CrimeRecordImport.objects.exists()
