"""The daily copy of the access log outside the database (oocr/audit/export.py, task audit.access_log_export)."""

import io
import json
import stat
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from oocr.accounts.tests.factories import KeyworkerFactory, SupervisorFactory
from oocr.audit.export import access_log_export, access_log_export_day
from oocr.audit.models import AccessLog
from oocr.audit.tasks import access_log_export_task

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


def entry_at(when: datetime) -> AccessLog:
    """An entry made at `when` (the service makes them `now`), chained like any other."""
    return AccessLog.objects.create(at=when, user=KeyworkerFactory(), content_type=ContentType.objects.get_for_model(User),
                                    object_id=SupervisorFactory().pk, ip_address="10.1.2.3")


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def lines_of(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_days_file_holds_its_entries_in_chain_order_and_the_chain_head(tmp_path):
    before = entry_at(london(DAY, 0, 0) - timedelta(minutes=1))
    first, second = entry_at(london(DAY, 0, 0)), entry_at(london(DAY, 23, 59))
    after = entry_at(london(DAY + timedelta(days=1), 0, 0))
    path = access_log_export_day(day=DAY, directory=tmp_path)
    assert path.name == "access-log-2026-11-30.jsonl"
    *entries, closing = lines_of(path)
    assert [entry["id"] for entry in entries] == [first.pk, second.pk]
    assert entries[0]["entry_hash"] == first.entry_hash and entries[0]["previous_hash"] == before.entry_hash
    assert closing["day"] == "2026-11-30" and closing["entries"] == 2
    assert closing["chain_head"] == {"sequence": after.sequence, "entry_hash": after.entry_hash}
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222  # read-only once written


@pytest.mark.parametrize("day", [date(2026, 10, 25), date(2026, 3, 29)])  # 25 hours, then 23
def test_a_day_the_clocks_change_is_copied_from_midnight_to_midnight(tmp_path, settings, day):
    settings.TIME_ZONE = "Europe/London"
    entry_at(london(day, 0) - timedelta(minutes=1))
    first, last = entry_at(london(day, 0)), entry_at(london(day, 23, 30))
    entry_at(london(day + timedelta(days=1), 0))
    *entries, _ = lines_of(access_log_export_day(day=day, directory=tmp_path))
    assert [entry["id"] for entry in entries] == [first.pk, last.pk]


def test_running_again_writes_nothing_and_never_overwrites(tmp_path):
    entry_at(london(DAY, 9))
    path = access_log_export_day(day=DAY, directory=tmp_path)
    content = path.read_bytes()
    entry_at(london(DAY, 10))  # an entry the first copy does not hold
    assert access_log_export_day(day=DAY, directory=tmp_path) is None
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["access-log-2026-11-30.jsonl"]


def test_a_file_cut_short_is_kept_and_the_day_written_again_beside_it(tmp_path):
    entry_at(london(DAY, 9))
    cut = tmp_path / "access-log-2026-11-30.jsonl"
    cut.write_text('{"id": 1, "sequ')
    path = access_log_export_day(day=DAY, directory=tmp_path)
    assert path.name == "access-log-2026-11-30.2.jsonl"
    assert cut.read_text() == '{"id": 1, "sequ'
    assert access_log_export_day(day=DAY, directory=tmp_path) is None


def test_the_daily_job_copies_each_finished_day_missing_its_file(tmp_path, settings):
    settings.ACCESS_LOG_EXPORT_DIR = str(tmp_path)
    for back in (3, 2, 1, 0):
        entry_at(london(DAY - timedelta(days=back), 12))
    (tmp_path / "access-log-2026-11-28.jsonl").write_text('{"chain_head": null}\n')  # written before
    result = access_log_export_task(today=f"{DAY:%Y-%m-%d}")
    assert result == {"written": ["access-log-2026-11-27.jsonl", "access-log-2026-11-29.jsonl"]}
    assert access_log_export(today=DAY) == []  # today is not finished: it is copied tomorrow


def test_the_daily_job_is_scheduled():
    task = PeriodicTask.objects.get(task="audit.access_log_export")
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("1", "0", True)


def test_the_verifier_compares_the_copies_with_the_database(tmp_path):
    entries = [entry_at(london(DAY, hour)) for hour in (9, 10, 11)]
    access_log_export_day(day=DAY, directory=tmp_path)
    out = io.StringIO()
    call_command("verify_access_log", exports=tmp_path, stdout=out)
    assert "The 1 daily copies in" in out.getvalue()
    # The newest entry removed: the chain that is left still holds, the copy shows it.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError, match="entry 3 is in the copy but not in the database"):
        call_command("verify_access_log", exports=tmp_path, stdout=io.StringIO())
