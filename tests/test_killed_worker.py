"""A worker killed mid-job, as the kernel's out-of-memory killer would (SIGKILL): after a restart nothing is lost,
nothing is done twice, nothing is left stuck.

Each job is caught mid-way deterministically: the test holds a lock on a table the job writes to, so the job waits
inside its transaction (its earlier writes made but not committed) until the worker is killed. The test worker is
set to recover in seconds (conftest.py KillableWorker: a 6-second visibility timeout instead of 20 minutes).
"""

import json
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from conftest import REAL_WORKER, _test_database_url
from contracts.tasks import send_reminders
from contracts.tests.test_tasks import contracts_due_tomorrow
from evaluation.models import CrimeRecord, CrimeRecordImport, ReoffendingCheckRun, ReoffendingDefinition, ReoffendingResult
from evaluation.services import CrimeRecordStaging
from evaluation.tasks import crime_record_import_run_task, reoffending_checks_run_task
from evaluation.tests.test_tasks import AS_OF, reoffending_case
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.celery import app
from oocr.notifications.models import Delivery, Notification, Reminder, ReminderRun

HEADER = "crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,date_of_birth\n"
ROWS = 300


@contextmanager
def table_locked(model):
    """Hold a lock on the model's table from another connection: a job writing to it waits, mid-transaction."""
    with psycopg.connect(_test_database_url()) as holder:
        holder.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        yield
        holder.rollback()


def job_waiting_for_the_lock(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the job never reached the locked table")


def wait_until(condition, *, timeout: float = 45) -> float:
    """Seconds until `condition()` held."""
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < timeout, "the job was not done again after the restart"
        time.sleep(0.2)
    return time.monotonic() - began


@pytest.fixture
def worker(killable_celery_worker):
    killable_celery_worker.ensure_running()
    app.conf.task_always_eager = False  # the autouse fixture restores it afterwards
    yield killable_celery_worker
    # Before the database is emptied for the next test: a copy of a killed job that Redis hands on late must not run
    # against the emptying tables (a deadlock with the flush) or in the next test. The worker stops, its queue is
    # emptied and its unacknowledged copies go. Only its own: Redis keeps every worker's under the same two keys, and
    # another test process may be running a real worker at this moment (pytest-xdist 3.8's loadgroup did not keep
    # these tests on one process under pytest 9.2: seen as this test's task vanishing from Redis mid-test).
    killable_celery_worker.kill()
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(killable_celery_worker.queue)
        redis = connection.default_channel.client
        for tag, entry in redis.hgetall("unacked").items():
            if json.loads(entry)[2] == killable_celery_worker.queue:  # [message, exchange, routing key]
                redis.hdel("unacked", tag)
                redis.zrem("unacked_index", tag)


@REAL_WORKER
@pytest.mark.django_db(transaction=True)
def test_the_reminders_run_killed_mid_run_is_run_again_and_sends_each_reminder_once(worker, record_property):
    contracts_due_tomorrow(2)
    notifications_before = Notification.objects.count()  # those of setting the cases up
    with table_locked(Notification):  # the run waits after writing its reminders, before the staff's notifications
        result = send_reminders.apply_async(queue=worker.queue)
        job_waiting_for_the_lock()
        assert Reminder.objects.count() == 0  # written, not committed
        worker.kill_pool_process()  # the pool process, as the OOM killer picks it: the worker lives on (WorkerLostError)
        killed = time.monotonic()
    summary = result.get(timeout=60, disable_sync_subtasks=False)
    wait_until(lambda: Delivery.objects.filter(status="sent").count() == 4)
    record_property("reminders_done_again_after_kill_s", round(time.monotonic() - killed, 1))
    assert summary["reminders"] == Reminder.objects.count() >= 4
    assert ReminderRun.objects.get().runs == 1  # the killed run left nothing; the retry did it all, once
    assert sorted(Delivery.objects.values_list("template", "status", "attempts")) == (
        [("digest", "sent", 1)] * 2 + [("person_condition", "sent", 1)] * 2)
    assert worker.sms_file.read_text().count("--- ") == 2  # each text message sent once
    assert Notification.objects.count() - notifications_before == Reminder.objects.filter(user__isnull=False).count()


@REAL_WORKER
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_mid_load_is_loaded_once_by_the_restarted_worker(worker, record_property):
    rows = "".join(f"RMS/{n:06d}/25,conviction,TH-SHOP,Theft from a shop,2025-03-01,2025-04-01,,Penrose,Jan{n},1990-01-01\n"
                   for n in range(ROWS))
    upload = CrimeRecordImport.objects.create(file_name="extract.csv", content=HEADER + rows, uploaded_by=AdministratorFactory())
    with table_locked(CrimeRecord):  # the load waits with every row checked and staged, the import's row locked
        crime_record_import_run_task.apply_async(args=[upload.pk], queue=worker.queue)
        job_waiting_for_the_lock()
        upload.refresh_from_db()
        assert (upload.status, upload.heartbeat_at is not None) == ("running", True)
        assert CrimeRecordStaging.left_behind() == [upload.pk]
        worker.kill()  # the whole worker, pool and all: nobody acknowledges the task
        killed = time.monotonic()
    worker.start(wait=False)
    took = wait_until(lambda: CrimeRecordImport.objects.get(pk=upload.pk).status == "loaded")
    record_property("import_loaded_after_restart_s", round(took, 1))
    upload.refresh_from_db()
    assert (upload.rows_loaded, upload.rows_new, upload.content, upload.heartbeat_at) == (ROWS, ROWS, "", None)
    assert CrimeRecord.objects.filter(source=upload).count() == CrimeRecord.objects.count() == ROWS
    assert CrimeRecordStaging.left_behind() == []  # the dead runner's staging table went with the new run


@REAL_WORKER
@pytest.mark.django_db(transaction=True)
def test_a_check_whose_worker_is_killed_mid_run_makes_its_run_once_after_a_restart(worker, record_property):
    case = reoffending_case()
    definition = ReoffendingDefinition.objects.get(name__startswith="Proven reoffending")
    with table_locked(ReoffendingResult):  # the check waits with its run made, before its results
        result = reoffending_checks_run_task.apply_async(args=[AS_OF, definition.pk, None], queue=worker.queue)
        job_waiting_for_the_lock()
        assert not ReoffendingCheckRun.objects.exists()
        worker.kill()
        killed = time.monotonic()
    worker.start(wait=False)
    run_ids = result.get(timeout=60, disable_sync_subtasks=False)
    record_property("check_done_after_restart_s", round(time.monotonic() - killed, 1))
    run = ReoffendingCheckRun.objects.get()  # one run, not two
    assert (run_ids, run.status, run.request_key) == ([run.pk], "finished", result.id)
    assert ReoffendingResult.objects.filter(run=run, case=case).count() == 2  # 12 and 24 months, once each
    # Sent again (a second delivery of the same request), it makes no second run.
    assert reoffending_checks_run_task.apply_async(args=[AS_OF, definition.pk, None], queue=worker.queue,
                                                   task_id=result.id).get(timeout=30, disable_sync_subtasks=False) == [run.pk]
    assert ReoffendingCheckRun.objects.count() == 1
