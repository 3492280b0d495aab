"""The access log's hash chain, and `verify_access_log` finding a changed, a removed and an inserted entry.

The tampering is done as the owner of the table would (the tests connect as it), with the append-only
trigger set aside: the application's own role can do none of it (test_app_role.py).
"""

import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from oocr.accounts.tests.factories import KeyworkerFactory, SupervisorFactory
from oocr.audit.chain import GENESIS, entry_hash
from oocr.audit.models import AccessLog, AccessLogEntryImmutable
from oocr.audit.services import access_log_record

pytestmark = pytest.mark.django_db


def entries(count: int) -> list[AccessLog]:
    viewer, record = KeyworkerFactory(), SupervisorFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = viewer
    return [access_log_record(request=request, record=record, person_id=number, justification=f"Reason {number}")
            for number in range(1, count + 1)]


@contextmanager
def as_owner():
    """A cursor that may change the table past its trigger, as its owner (or a superuser) can."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers do not fire
            yield cursor
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER audit_accesslog_append_only")  # undone with the test's transaction
            yield cursor


def verify() -> str:
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    return out.getvalue()


def test_each_entry_is_numbered_and_chained_to_the_one_before():
    first, second, third = entries(3)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.entry_hash and third.previous_hash == second.entry_hash
    stored = AccessLog.objects.values().get(pk=second.pk)  # as read back from the database
    assert entry_hash(stored["previous_hash"], stored) == stored["entry_hash"] == second.entry_hash
    assert verify() == "The access log's chain holds: 3 entries.\n"


@pytest.mark.parametrize("address", ["10.1.2.3", "2001:0DB8::0001", "::ffff:10.0.0.1", None])
def test_an_address_hashes_alike_however_the_database_writes_it(address):
    first = entries(1)[0]
    entry = AccessLog.objects.create(user=first.user, content_type=first.content_type, object_id=1, ip_address=address)
    stored = AccessLog.objects.values().get(pk=entry.pk)
    assert entry_hash(stored["previous_hash"], stored) == entry.entry_hash
    assert verify() == "The access log's chain holds: 2 entries.\n"


def test_entries_cannot_be_made_in_bulk_past_the_chain():
    with pytest.raises(AccessLogEntryImmutable):
        AccessLog.objects.bulk_create([AccessLog()])


def test_a_changed_entry_is_found():
    changed = entries(4)[1]
    with as_owner() as cursor:
        cursor.execute("UPDATE audit_accesslog SET justification = %s WHERE id = %s", ["Nothing to see", changed.pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert str(broken.value) == (f"The chain breaks at entry 2 (id {changed.pk}): its contents do not match its hash "
                                 "(it was changed). The 1 entry before it is intact.")


def test_a_changed_entry_given_a_new_hash_breaks_the_link_of_the_next():
    made = entries(3)
    with as_owner() as cursor:
        values = AccessLog.objects.values().get(pk=made[0].pk)
        values["justification"] = "Rewritten"
        cursor.execute("UPDATE audit_accesslog SET justification = %s, entry_hash = %s WHERE id = %s",
                       ["Rewritten", entry_hash(values["previous_hash"], values), made[0].pk])
    with pytest.raises(CommandError, match=f"entry 2 \\(id {made[1].pk}\\): it does not follow from the entry before it"):
        verify()


def test_a_removed_entry_is_found():
    removed = entries(5)[2]
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert str(broken.value) == ("The chain breaks at entry 3: entry 3 is missing (removed from the database). "
                                 "The 2 entries before it are intact.")


def test_a_removed_entry_renumbered_over_is_found():
    made = entries(4)
    with as_owner() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [made[1].pk])
        # In two steps: one UPDATE checks the unique sequence row by row, in whatever order the rows lie on disk.
        cursor.execute("UPDATE audit_accesslog SET sequence = sequence + 1000000 WHERE sequence > 2")
        cursor.execute("UPDATE audit_accesslog SET sequence = sequence - 1000001 WHERE sequence > 1000000")
    with pytest.raises(CommandError, match=f"entry 2 \\(id {made[2].pk}\\): it does not follow from the entry before it"):
        verify()


def test_an_inserted_entry_is_found_even_with_a_well_made_hash():
    made = entries(3)
    forged = {**AccessLog.objects.values().get(pk=made[0].pk), "sequence": 2, "justification": "Forged"}
    forged_hash = entry_hash(made[0].entry_hash, forged)
    with as_owner() as cursor:
        # Room after entry 1, then the forged entry in it, chained to entry 1 as the application would have.
        cursor.execute("UPDATE audit_accesslog SET sequence = sequence + 10 WHERE sequence >= 2")
        cursor.execute("UPDATE audit_accesslog SET sequence = sequence - 9 WHERE sequence >= 12")
        cursor.execute(
            "INSERT INTO audit_accesslog (at, user_id, kind, content_type_id, object_id, person_id, ip_address, "
            "justification, recipient, sequence, previous_hash, entry_hash) "
            "SELECT at, user_id, kind, content_type_id, object_id, person_id, ip_address, %s, recipient, 2, %s, %s "
            "FROM audit_accesslog WHERE id = %s",
            ["Forged", made[0].entry_hash, forged_hash, made[0].pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert str(broken.value).startswith(f"The chain breaks at entry 3 (id {made[1].pk}): it does not follow from the "
                                        "entry before it (an entry was inserted, removed or changed before it)")


def test_an_entry_added_at_the_head_without_the_chain_is_found():
    made = entries(2)
    with as_owner() as cursor:
        cursor.execute(
            "INSERT INTO audit_accesslog (at, user_id, kind, content_type_id, object_id, person_id, ip_address, "
            "justification, recipient, sequence, previous_hash, entry_hash) "
            "SELECT at, user_id, kind, content_type_id, object_id, person_id, ip_address, justification, recipient, "
            "3, entry_hash, %s FROM audit_accesslog WHERE id = %s", ["0" * 64, made[1].pk])
    with pytest.raises(CommandError, match="entry 3 \\(id \\d+\\): its contents do not match its hash"):
        verify()
