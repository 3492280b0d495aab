"""The access log's CSV export and subject access: both logged, both only for administrators."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.tests.test_closure import active_case
from evaluation.tests.factories import CrimeRecordFactory
from oocr.notifications.models import Delivery
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, SupervisorFactory
from oocr.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_the_access_log_exports_the_filtered_entries_as_csv_and_logs_the_export(client):
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    client.force_login(keyworker)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    other = AllocatedCaseFactory()
    client.force_login(other.allocations.get().keyworker)
    client.get(reverse("cases:case_detail", args=[other.pk]))
    admin = AdministratorFactory()
    client.force_login(admin)
    response = client.get(reverse("audit:accesslog_list"), {"person_id": case.person_id, "format": "csv"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["When", "User name", "Who"]
    assert [(row[1], row[6]) for row in rows[1:]] == [(keyworker.username, str(case.person_id))]
    export = AccessLog.objects.filter(user=admin, kind=AccessLog.Kind.EXPORT, content_type__model="accesslog").get()
    assert f"person_id={case.person_id}" in export.justification


def test_the_access_log_filters_by_user_kind_and_date(client):
    case = AllocatedCaseFactory()
    keyworker = case.allocations.get().keyworker
    client.force_login(keyworker)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    client.force_login(AdministratorFactory())
    today = timezone.localdate(AccessLog.objects.get().at).isoformat()  # the filter takes London dates
    found = client.get(reverse("audit:accesslog_list"), {"user": keyworker.pk, "kind": "view", "date_from": today, "date_to": today})
    assert list(found.context["entries"]) == list(AccessLog.objects.filter(user=keyworker))
    none = client.get(reverse("audit:accesslog_list"), {"user": keyworker.pk, "kind": "export"})
    assert list(none.context["entries"]) == []


def test_a_csv_cell_that_looks_like_a_formula_is_made_harmless(client):
    from oocr.csv_export import csv_safe

    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_safe("Covering") == "Covering"


def test_subject_access_downloads_everything_held_as_json_and_html_and_logs_request_and_export(client):
    case, holder, _ = active_case()
    client.force_login(holder)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    CrimeRecordFactory(person=case.person, offence_code="AS-ABH")
    Delivery.objects.create(key="sms-1", channel="sms", template="person_appointment", person=case.person,
                            recipient="07700900982", body="Your appointment is tomorrow")
    admin = AdministratorFactory()
    client.force_login(admin)
    response = client.post(reverse("audit:subject_access"), {"record": case.number, "reference": "SAR/2026/17"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-{case.person_id}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["subject-access.html", "subject-access.json"]
    data = json.loads(archive.read("subject-access.json"))
    titles = {part["title"]: part["records"] for part in data["sections"]}
    assert titles["Person"][0]["Last name"] == case.person.last_name
    assert [record["Status"] for record in titles["Cases"]] == [case.get_status_display()]
    assert titles["Contracts"] and titles["Conditions"] and titles["Timeline"]
    assert [record["Offence code"] for record in titles["Later crime records (for the evaluation)"]] == ["AS-ABH"]
    assert [record["Body"] for record in titles["Messages sent to the person"]] == ["Your appointment is tomorrow"]
    assert any(record["Kind"] == "Viewed" for record in titles["Access to these records"])
    html = archive.read("subject-access.html").decode()
    assert case.person.last_name in html and "SAR/2026/17" in html
    logged = AccessLog.objects.filter(user=admin, person_id=case.person_id)
    assert set(logged.values_list("kind", "recipient")) == {("export", ""), ("disclosure", "The data subject")}
    assert all("SAR/2026/17" in entry.justification for entry in logged)


def test_subject_access_explains_what_is_wrong_and_logs_nothing(client):
    admin = AdministratorFactory()
    client.force_login(admin)
    page = client.post(reverse("audit:subject_access"), {"record": "OOCR-999999", "reference": "<b>x</b>"}).content.decode()
    assert "No person was found with that case number or record number" in page
    assert "The request reference can only contain letters, numbers" in page
    page = client.post(reverse("audit:subject_access"), {"record": "", "reference": ""}).content.decode()
    assert "Enter a case number or a person record number" in page and "Enter the request reference" in page
    assert not AccessLog.objects.filter(user=admin).exists()


@pytest.mark.parametrize("factory", [KeyworkerFactory, SupervisorFactory])
def test_only_administrators_make_subject_access_exports(client, factory):
    case = AllocatedCaseFactory()
    client.force_login(factory())
    assert client.post(reverse("audit:subject_access"), {"record": case.number, "reference": "R1"}).status_code == 403
    assert client.get(reverse("audit:accesslog_list"), {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("garbage", [{"person_id": "zzz"}, {"date_from": "2015-02-31"}, {"kind": "a\x00b"}, {"user": "zzz"}])
def test_an_access_log_export_with_a_filter_that_is_not_valid_exports_nothing_and_says_what_is_wrong(client, garbage):
    AllocatedCaseFactory()
    admin = AdministratorFactory()
    client.force_login(admin)
    response = client.get(reverse("audit:accesslog_list"), {**garbage, "format": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert response.context["filter"].errors
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()


def test_an_access_log_export_records_only_its_filters_not_the_rest_of_the_address(client):
    client.force_login(AdministratorFactory())
    client.get(reverse("audit:accesslog_list"), {"kind": "view", "format": "csv", "utm_source": "a\x00b"})
    export = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert export.justification == "Access log export (kind=view)"
