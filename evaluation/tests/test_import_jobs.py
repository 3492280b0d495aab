"""Imports as jobs: the sweeper of imports whose worker is gone, cancelling, running again, and checks made once."""

from datetime import date, datetime, timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import _test_database_url
from evaluation import services
from evaluation.models import CrimeRecord, CrimeRecordImport, ReoffendingCheckRun, ReoffendingDefinition
from evaluation.tasks import crime_record_import_run_task, stale_imports_sweep
from evaluation.tests.factories import (
    CancelledImportFactory, CrimeRecordImportFactory, RunningImportFactory, StoppedImportFactory, WaitingImportFactory,
)
from evaluation.tests.test_tasks import AS_OF, reoffending_case
from oocr import jobs
from oocr.accounts.tests.factories import AdministratorFactory, KeyworkerFactory
from oocr.celery import app
from oocr.errors import DomainError
from oocr.notifications.models import Notification
from oocr.tests.concurrency import one_time_token, signed_in

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="staging tables and job locks are PostgreSQL's")


def stale() -> datetime:
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 60)


def staging_table_of(upload) -> None:
    """What a killed runner leaves: its staging table, with rows in it."""
    staging = services.CrimeRecordStaging.for_import(upload.pk)
    checked, _ = services.crime_record_rows_check(upload.content, today=timezone.localdate(), sink=staging.add)
    assert checked == 1


# --- The sweeper ------------------------------------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db
def test_a_running_import_with_no_heartbeat_is_failed_its_upload_and_staging_table_removed_and_administrators_told():
    administrator, keyworker = AdministratorFactory(), KeyworkerFactory()
    dead = RunningImportFactory(heartbeat_at=stale())
    staging_table_of(dead)
    fresh = RunningImportFactory()
    assert services.CrimeRecordStaging.left_behind() == [dead.pk]

    assert stale_imports_sweep.delay().get() == [dead.pk]

    dead.refresh_from_db()
    assert (dead.status, dead.content, dead.heartbeat_at) == ("failed", "", None)
    assert "Upload the file again" in dead.errors[0]["problem"] and dead.retry_refusal.startswith("The uploaded file is no longer kept")
    assert services.CrimeRecordStaging.left_behind() == []
    told = Notification.objects.get(user=administrator)
    assert (told.url, "stopped without finishing" in told.text) == (reverse("evaluation:import_detail", args=[dead.pk]), True)
    assert not Notification.objects.filter(user=keyworker).exists()
    fresh_now = CrimeRecordImport.objects.get(pk=fresh.pk)  # a living import is left alone
    assert (fresh_now.status, fresh_now.content, fresh_now.heartbeat_at) == ("running", fresh.content, fresh.heartbeat_at)
    assert stale_imports_sweep.delay().get() == []  # nothing is failed, or told, twice
    assert Notification.objects.filter(user=administrator).count() == 1


@pytest.mark.django_db
def test_an_import_whose_task_never_started_is_failed_once_stale_and_a_fresh_one_waits():
    never = WaitingImportFactory()
    CrimeRecordImport.objects.filter(pk=never.pk).update(uploaded_at=stale())
    sent_again = WaitingImportFactory(heartbeat_at=timezone.now())  # run again just now from its page
    CrimeRecordImport.objects.filter(pk=sent_again.pk).update(uploaded_at=stale())
    assert services.crime_record_imports_sweep() == [never.pk]
    assert CrimeRecordImport.objects.get(pk=sent_again.pk).status == "waiting"


@on_postgresql
@pytest.mark.django_db
def test_a_living_runner_is_never_swept_however_old_its_heartbeat():
    loading = RunningImportFactory(heartbeat_at=stale())  # a long load sends no heartbeat
    with psycopg.connect(_test_database_url(), autocommit=True) as runner:
        runner.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.CRIME_RECORD_IMPORT, loading.pk])
        assert services.crime_record_imports_sweep() == []
    assert CrimeRecordImport.objects.get(pk=loading.pk).status == "running"


@pytest.mark.django_db
def test_an_upload_kept_to_run_again_is_removed_after_a_day():
    old, recent = StoppedImportFactory(), CancelledImportFactory()
    CrimeRecordImport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=1, minutes=1))
    services.crime_record_imports_sweep()
    assert CrimeRecordImport.objects.get(pk=old.pk).content == ""
    assert CrimeRecordImport.objects.get(pk=recent.pk).content == recent.content


@pytest.mark.django_db
def test_the_sweeper_is_on_the_beat_schedule_every_five_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="evaluation.stale_imports_sweep")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 5, "minutes")
    app.loader.import_default_modules()
    assert task.task in app.tasks


# --- Cancelling ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_waiting_import_is_cancelled_at_once_and_its_task_then_loads_nothing():
    upload, user = WaitingImportFactory(), AdministratorFactory()
    services.crime_record_import_cancel(import_id=upload.pk, user=user)
    upload.refresh_from_db()
    assert (upload.status, upload.cancelled_by, upload.content != "") == ("cancelled", user, True)
    assert crime_record_import_run_task.delay(upload.pk).get() == "cancelled"
    assert not CrimeRecord.objects.exists()


@pytest.mark.parametrize("chunk_bytes, where", [(1, "at its next chunk of rows"), (10**9, "before it loads")])
@pytest.mark.django_db
def test_a_running_import_asked_to_stop_stops_having_loaded_nothing(monkeypatch, chunk_bytes, where):
    upload = WaitingImportFactory(content=WaitingImportFactory.content + "RMS/9/25,caution,TH-SHOP,Theft,2025-03-01,,,Lee,Sam,1991-01-01\n")
    # Python's row by row check (SQLite) saves its progress every PROGRESS_EVERY rows; PostgreSQL's COPY every
    # COPY_EVERY_BYTES (and PART_BYTES: the pieces the upload is read in).
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1 if chunk_bytes == 1 else 10**6)
    monkeypatch.setattr(services, "COPY_EVERY_BYTES", chunk_bytes)
    monkeypatch.setattr(services, "PART_BYTES", 40 if chunk_bytes == 1 else 10**6)
    read = services.crime_record_upload_chunks

    def cancelled_while_reading(import_id):  # an administrator cancels while the rows are being read and checked
        for number, chunk in enumerate(read(import_id)):
            if number == 1 or chunk_bytes > 1:
                CrimeRecordImport.objects.filter(pk=upload.pk).update(cancel_requested_at=timezone.now())
            yield chunk

    monkeypatch.setattr(services, "crime_record_upload_chunks", cancelled_while_reading)
    assert services.crime_record_import_run(import_id=upload.pk).status == "cancelled", where
    upload.refresh_from_db()
    assert (upload.status, upload.rows_loaded, CrimeRecord.objects.count()) == ("cancelled", 0, 0)
    assert services.CrimeRecordStaging.left_behind() == [] and upload.retry_refusal == ""


@on_postgresql
@pytest.mark.django_db
def test_a_running_import_is_asked_to_stop_while_its_runner_lives_and_cancelled_at_once_when_it_is_gone():
    user = AdministratorFactory()
    living, dead = RunningImportFactory(), RunningImportFactory()
    staging_table_of(dead)
    with psycopg.connect(_test_database_url(), autocommit=True) as runner:
        runner.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.CRIME_RECORD_IMPORT, living.pk])
        asked = services.crime_record_import_cancel(import_id=living.pk, user=user)
        gone = services.crime_record_import_cancel(import_id=dead.pk, user=user)
    assert (asked.status, asked.cancel_requested_at is not None) == ("running", True)
    assert "already stopping" in asked.cancel_refusal
    assert (gone.status, gone.finished_at is not None) == ("cancelled", True)
    assert services.CrimeRecordStaging.left_behind() == []


@pytest.mark.django_db
def test_a_finished_import_cannot_be_cancelled():
    loaded = CrimeRecordImportFactory()
    with pytest.raises(DomainError, match="already ended"):
        services.crime_record_import_cancel(import_id=loaded.pk, user=AdministratorFactory())


# --- Running again ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stopped_import_runs_again_from_its_page_once_however_often_the_button_is_pressed(django_capture_on_commit_callbacks):
    upload, user = StoppedImportFactory(), AdministratorFactory()
    client = signed_in(user)
    url = reverse("evaluation:import_retry", args=[upload.pk])
    token = one_time_token()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(url, token)
        second = client.post(url, token)  # the double click
    assert first.status_code == second.status_code == 302
    assert len(callbacks) == 1  # one task sent
    upload.refresh_from_db()
    assert (upload.status, upload.rows_loaded, upload.errors, upload.content) == ("loaded", 1, [], "")
    assert CrimeRecord.objects.filter(source=upload).count() == 1


@pytest.mark.parametrize("factory, refusal", [
    (CrimeRecordImportFactory, "Only a failed or cancelled import"),
    (lambda: StoppedImportFactory(content=""), "no longer kept"),
])
@pytest.mark.django_db
def test_a_loaded_import_or_one_whose_upload_is_gone_cannot_run_again(factory, refusal):
    upload = factory()
    with pytest.raises(DomainError, match=refusal):
        services.crime_record_import_retry(import_id=upload.pk, user=AdministratorFactory())


@pytest.mark.django_db
def test_the_import_page_offers_cancel_while_it_runs_and_run_again_once_stopped():
    client = signed_in(AdministratorFactory())
    running, stopped = RunningImportFactory(), StoppedImportFactory()
    page = client.get(reverse("evaluation:import_detail", args=[running.pk])).content.decode()
    assert reverse("evaluation:import_cancel", args=[running.pk]) in page
    assert reverse("evaluation:import_retry", args=[running.pk]) not in page
    page = client.get(reverse("evaluation:import_detail", args=[stopped.pk])).content.decode()
    assert reverse("evaluation:import_retry", args=[stopped.pk]) in page and 'name="form_token"' in page
    assert "The import stopped before it finished" in page


# --- Checks made once per request ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_request_delivered_twice_makes_one_run():
    reoffending_case()
    definition = ReoffendingDefinition.objects.get(name__startswith="Proven reoffending")
    first = services.reoffending_check_run(definition_id=definition.pk, as_of=date.fromisoformat(AS_OF), request_key="task-1")
    again = services.reoffending_check_run(definition_id=definition.pk, as_of=date.fromisoformat(AS_OF), request_key="task-1")
    assert first == again and ReoffendingCheckRun.objects.count() == 1
    runs = services.reoffending_checks_run_all(as_of=date.fromisoformat(AS_OF), request_key="task-2")
    assert services.reoffending_checks_run_all(as_of=date.fromisoformat(AS_OF), request_key="task-2") == runs
    assert ReoffendingCheckRun.objects.count() == 1 + len(runs)
