"""Documents on a case: what may be uploaded, where it is kept, who downloads it (and that it is logged), disposal."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.tests.factories import PersonFactory
from contracts.tests.factories import ActiveContractFactory, holder_of
from documents import services
from documents.models import CaseDocument
from documents.tests.factories import DOCM, DOCX, JPEG, ODT, PDF, PNG, CaseDocumentFactory, upload, zipped
from keyworkers.tests.factories import StaffProfileFactory, SupervisorProfileFactory, TeamFactory, in_the_team
from oocr.accounts.tests.factories import AdministratorFactory, TeamManagerFactory
from oocr.audit.models import AccessLog
from oocr.tests.govuk import assert_error_at
from retention.models import RetentionReview
from retention.services import retention_decide

pytestmark = pytest.mark.django_db

WRONG_TYPE = ("The file must be a PDF, a JPEG or PNG picture, or a Word (.docx) or OpenDocument (.odt) text document")


def active():
    case = ActiveContractFactory().case
    return case, holder_of(case)


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.parametrize("name, content", [
    ("letter.pdf", PDF), ("photo.JPG", JPEG), ("photo.png", PNG), ("letter.docx", DOCX), ("letter.odt", ODT),
])
def test_a_keyworker_uploads_each_allowed_type_and_it_is_kept_outside_the_database(client, documents_in_a_temporary_folder,
                                                                                     name, content):
    case, holder = active()
    client.force_login(holder)
    response = client.post(reverse("documents:document_new", args=[case.pk]),
                           {"kind": "partner_letter", "description": "Food bank letter", "file": upload(name, content)})
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert (document.kind, document.size, document.added_by) == ("partner_letter", len(content), holder)
    assert name.split(".")[0] not in document.storage_name  # a random name, not the person's file name
    [kept] = stored_files(documents_in_a_temporary_folder)
    assert kept.read_bytes() == content
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOCUMENT).exists()


@pytest.mark.parametrize("name, content", [
    ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 20),  # a program
    ("tool.pdf", b"MZ\x90\x00\x03" + b"\x00" * 20),  # a program renamed
    ("photo.pdf", PNG),  # content and name disagree
    ("macros.docx", DOCM),  # a Word file with macros, renamed
    ("archive.docx", zipped({"evil.sh": b"rm -rf"})),  # a zip that is no document
    ("notes.txt", b"Just some text"),
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("empty.pdf", b""),
])
def test_a_file_of_another_type_is_refused_whatever_its_name_and_nothing_is_kept(client, documents_in_a_temporary_folder,
                                                                                 name, content):
    case, holder = active()
    client.force_login(holder)
    response = client.post(reverse("documents:document_new", args=[case.pk]),
                           {"kind": "partner_letter", "file": upload(name, content)})
    message = "The document is empty" if not content else WRONG_TYPE
    assert_error_at(response, "id_file", message)
    assert not CaseDocument.objects.exists()
    assert stored_files(documents_in_a_temporary_folder) == []


def test_a_file_over_the_size_setting_is_refused(client, settings, documents_in_a_temporary_folder):
    settings.DOCUMENT_MAX_BYTES = 2_000_000
    case, holder = active()
    client.force_login(holder)
    big = PDF + b"x" * 2_000_001
    response = client.post(reverse("documents:document_new", args=[case.pk]), {"kind": "other", "file": upload("big.pdf", big)})
    assert_error_at(response, "id_file", "The file must be smaller than 2 MB")
    assert not CaseDocument.objects.exists() and stored_files(documents_in_a_temporary_folder) == []


def test_a_closed_case_takes_no_more_documents():
    case, holder = active()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now())
    from cases.models import CaseStateError

    with pytest.raises(CaseStateError, match="is closed"):
        services.case_document_upload(case_id=case.pk, user=holder, kind="other", description="", upload=upload())


def test_a_download_is_an_attachment_logged_as_an_export_of_that_document(client):
    case, holder = active()
    document = CaseDocumentFactory(case=case)
    client.force_login(holder)
    response = client.get(reverse("documents:document_download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.download_name}"'
    assert case.person.last_name not in response["Content-Disposition"]
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert (log.user, log.object_id, log.person_id) == (holder, document.pk, case.person_id)
    assert log.content_type == ContentType.objects.get_for_model(CaseDocument)


def test_a_document_is_downloaded_only_by_those_who_may_read_its_case(client):
    case, holder = active()
    document = CaseDocumentFactory(case=case)
    other_case, other_holder = active()
    url = reverse("documents:document_download", args=[case.pk, document.pk])
    for stranger in (other_holder, StaffProfileFactory().user, AdministratorFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code in (403, 404)
    # The case's own number with another case's document: not found, even for that other case's keyworker.
    client.force_login(other_holder)
    assert client.get(reverse("documents:document_download", args=[other_case.pk, document.pk])).status_code == 404
    for reader in (SupervisorProfileFactory().user, in_the_team(TeamManagerFactory())):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    # A supervisor of another team gives a reason first (the access justification), as for every page of the case.
    client.force_login(SupervisorProfileFactory(team=TeamFactory(name="North team")).user)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/reason/")
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).count() == 2


def test_the_documents_page_lists_them_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    case, holder = active()
    CaseDocumentFactory(case=case)
    client.force_login(holder)
    url = reverse("documents:case_documents", args=[case.pk])
    client.get(url)
    for _ in range(5):
        CaseDocumentFactory(case=case)
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert page.count("Download<span") == 6


def test_disposal_at_the_end_of_retention_removes_the_files(client, documents_in_a_temporary_folder,
                                                            django_capture_on_commit_callbacks):
    case, holder = active()
    document = CaseDocumentFactory(case=case)
    services.case_document_upload(case_id=case.pk, user=holder, kind="other", description="Photo", upload=upload("a.png", PNG))
    assert len(stored_files(documents_in_a_temporary_folder)) == 2
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=timezone.now() - timezone.timedelta(days=2300))
    review = RetentionReview.objects.create(case=case, due_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        retention_decide(review_id=review.pk, user=AdministratorFactory(), decision="dispose", reason="Review period over")
    assert stored_files(documents_in_a_temporary_folder) == []
    document.refresh_from_db()
    assert (document.storage_name, document.description) == ("", "")
    assert document.disposed_at is not None
    client.force_login(SupervisorProfileFactory().user)
    assert client.get(reverse("documents:document_download", args=[case.pk, document.pk])).status_code == 404


def test_subject_access_carries_the_files_held_on_the_cases_and_names_them(client, documents_in_a_temporary_folder):
    import io
    import json
    import zipfile

    case, holder = active()
    kept = services.case_document_upload(case_id=case.pk, user=holder, kind="other", description="Photo of the repair",
                                         upload=upload("repair.png", PNG))
    gone = CaseDocumentFactory(case=case)
    services.documents_storage().delete(gone.storage_name)  # a file that is missing is listed, not fatal
    CaseDocumentFactory(case=ActiveContractFactory().case)  # someone else's
    client.force_login(AdministratorFactory())
    response = client.post(reverse("audit:subject_access"), {"record": case.number, "reference": "SAR/2026/18"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [f"documents/{kept.download_name}", "subject-access.html", "subject-access.json"]
    assert archive.read(f"documents/{kept.download_name}") == PNG
    records = {part["title"]: part["records"] for part in json.loads(archive.read("subject-access.json"))["sections"]}
    files = {record["What it is"]: record["File in this archive"] for record in records["Documents on the cases"]}
    assert files == {"Photo of the repair": f"documents/{kept.download_name}", gone.description: "No longer held"}
    assert not any("storage" in label.lower() for record in records["Documents on the cases"] for label in record)
    assert f"documents/{kept.download_name}" in archive.read("subject-access.html").decode()


def test_a_documents_record_is_labelled_in_words_in_the_subject_access_export(documents_in_a_temporary_folder):
    from oocr.audit.subject_access import record_dict

    document = CaseDocumentFactory(case=active()[0])
    record = record_dict(document)
    assert list(record) == ["Case", "Kind of document", "What it is", "File type", "Size in bytes", "SHA-256 checksum",
                            "Non-compliance it answers", "Added", "File disposed of"]
    assert record["SHA-256 checksum"] == document.sha256 and record["Kind of document"] == "Letter from a partner agency"


def test_disposal_rolled_back_keeps_the_files(documents_in_a_temporary_folder, django_capture_on_commit_callbacks):
    from django.db import transaction

    case, _ = active()
    CaseDocumentFactory(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.case_documents_erase(case_id=case.pk)
            raise RuntimeError("the rest of the disposal failed")
    assert len(stored_files(documents_in_a_temporary_folder)) == 1
    assert CaseDocument.objects.get().storage_name


def test_the_storage_is_chosen_by_setting(settings):
    settings.STORAGES = {**settings.STORAGES, "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    from django.core.files.storage import InMemoryStorage

    assert isinstance(services.documents_storage(), InMemoryStorage)
    case, holder = active()
    document = services.case_document_upload(case_id=case.pk, user=holder, kind="other", description="", upload=upload())
    assert services.documents_storage().open(document.storage_name).read() == PDF


def test_an_s3_compatible_store_is_chosen_by_setting_alone():
    """DOCUMENTS_STORAGE=s3 names django-storages' backend, private and never overwriting (boto3 is needed only to use it)."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    script = ("import json; from django.conf import settings; "
              "print(json.dumps(settings.STORAGES['documents']))")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DOCUMENTS_")}
    environment.update(DJANGO_SETTINGS_MODULE="oocr.settings", DOCUMENTS_STORAGE="s3", DOCUMENTS_S3_BUCKET="oocr-documents",
                       DOCUMENTS_S3_ENDPOINT_URL="https://objects.example.invalid")
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                            cwd=django_settings.BASE_DIR, check=True)
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (storage["OPTIONS"]["bucket_name"], storage["OPTIONS"]["default_acl"], storage["OPTIONS"]["file_overwrite"]) == (
        "oocr-documents", "private", False)
    assert storage["OPTIONS"]["endpoint_url"] == "https://objects.example.invalid"
