import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory, SupervisorFactory
from oocr.audit.models import AccessLog, AccessLogEntryImmutable
from oocr.audit.services import access_log_record


def record_view(user, record, **kwargs) -> AccessLog:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    return access_log_record(request=request, record=record, **kwargs)


@pytest.mark.django_db
def test_a_view_writes_exactly_one_entry_with_who_what_and_where():
    viewer, colleague = KeyworkerFactory(), SupervisorFactory()
    entry = record_view(viewer, colleague, person_id=42, justification="Covering for a colleague")
    assert AccessLog.objects.count() == 1
    assert (entry.user, entry.object_id, entry.person_id) == (viewer, colleague.pk, 42)
    assert entry.content_type.model == "user"
    assert entry.ip_address == "10.1.2.3"
    assert entry.kind == AccessLog.Kind.VIEW


@pytest.mark.django_db
def test_an_entry_cannot_be_changed_through_the_model():
    entry = record_view(KeyworkerFactory(), SupervisorFactory())
    entry.justification = "rewritten"
    with pytest.raises(AccessLogEntryImmutable):
        entry.save()
    with pytest.raises(AccessLogEntryImmutable):
        entry.delete()
    assert AccessLog.objects.get().justification == ""


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_entry():
    record_view(KeyworkerFactory(), SupervisorFactory())
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(justification="rewritten")
    assert AccessLog.objects.get().justification == ""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL-only (SQLite empties tables with DELETE between tests)")
def test_the_database_refuses_to_delete_an_entry():
    record_view(KeyworkerFactory(), SupervisorFactory())
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_change_or_delete_entries(client):
    admin = AdministratorFactory(is_superuser=True)
    entry = record_view(admin, KeyworkerFactory())
    client.force_login(admin)
    assert client.get(reverse("admin:audit_accesslog_change", args=[entry.pk])).status_code == 200
    response = client.post(reverse("admin:audit_accesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_administrators_can_search_the_log_by_person_user_and_date(client):
    admin = AdministratorFactory()
    jess, tom = KeyworkerFactory(), KeyworkerFactory()
    subject = SupervisorFactory()
    record_view(jess, subject, person_id=7)
    record_view(tom, subject, person_id=8)
    old = record_view(jess, subject, person_id=7)
    client.force_login(admin)
    url = reverse("audit:accesslog_list")

    by_user = client.get(url, {"user": jess.pk})
    assert {entry.user for entry in by_user.context["entries"]} == {jess}
    assert by_user.context["paginator"].count == 2

    by_person = client.get(url, {"person_id": 8})
    assert [entry.user for entry in by_person.context["entries"]] == [tom]

    today = timezone.localdate(old.at).isoformat()  # the filter takes London dates
    assert client.get(url, {"date_from": today, "date_to": today}).context["paginator"].count == 3
    assert client.get(url, {"date_to": "2000-01-01"}).context["paginator"].count == 0


@pytest.mark.django_db
def test_keyworkers_cannot_read_the_access_log(client):
    client.force_login(KeyworkerFactory())
    assert client.get(reverse("audit:accesslog_list")).status_code == 403


@pytest.mark.django_db
def test_access_log_page_query_count_does_not_grow_with_entries(client, django_assert_max_num_queries):
    admin = AdministratorFactory()
    client.force_login(admin)
    for _ in range(3):
        record_view(KeyworkerFactory(), admin)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit:accesslog_list"))
    for _ in range(30):
        record_view(KeyworkerFactory(), admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:accesslog_list"))
    assert response.context["paginator"].count == 33
