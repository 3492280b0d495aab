"""The reminders job as Celery runs it: two workers at once, and the beat-scheduled task through a real worker."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from conftest import REAL_WORKER
from contracts.models import NeedDomain
from contracts.services.contract import contract_sign
from contracts.services.reminders import reminders_send
from contracts.tests.test_contracts import add, assessed_case
from oocr.notifications.models import Delivery, Reminder, ReminderRun

TODAY = timezone.localdate()
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks and concurrent transactions need PostgreSQL")


@pytest.fixture
def sms_to_file(settings, tmp_path):
    """Text messages go to a file of the test's own."""
    settings.SMS_BACKEND = "oocr.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")


def contracts_due_tomorrow(count: int) -> None:
    for _ in range(count):
        case, holder = assessed_case(offered_on=TODAY - timedelta(weeks=1))
        add(case, holder, "Debt advice", due_date=TODAY + timedelta(days=1), need_domain=NeedDomain.objects.get(code="finance"))
        contract_sign(case_id=case.pk, user=holder, agreement="verbal", signed_on=TODAY - timedelta(weeks=1))
        case.person.reminders_by = "sms"
        case.person.save(update_fields=["reminders_by"])
    # The allocations' emails went at once (issue 16), not by the reminders job: these tests count only the job's.
    Delivery.objects.all().delete()
    mail.outbox.clear()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_job_at_once_send_each_reminder_once(sms_to_file, mailoutbox):
    contracts_due_tomorrow(3)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            reminders_send(on=TODAY)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert ReminderRun.objects.get(run_date=TODAY).runs == 2
    assert Reminder.objects.filter(kind="condition_due").count() == 3
    assert Reminder.objects.filter(kind="person_condition").count() == 3
    assert sorted(Delivery.objects.values_list("template", "status")) == [("digest", "sent")] * 3 + [("person_condition", "sent")] * 3
    assert len(mailoutbox) == 3


@REAL_WORKER
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_beat_scheduled_job_runs_on_a_real_worker_and_records_its_deliveries(real_celery_worker):
    from oocr.celery import app

    contracts_due_tomorrow(2)
    app.conf.task_always_eager = False  # the autouse fixture restores it afterwards
    scheduled = PeriodicTask.objects.get(name="Daily reminders")
    assert (scheduled.task, scheduled.crontab.hour, scheduled.crontab.minute) == ("contracts.send_reminders", "6", "0")
    # What beat does when the hour comes: send the scheduled task, by name, with its arguments.
    result = app.send_task(scheduled.task, kwargs=json.loads(scheduled.kwargs), queue=real_celery_worker.queue)
    summary = result.get(timeout=120, disable_sync_subtasks=False)  # eager tasks earlier in this process set the guard
    assert summary["run_date"] == timezone.localdate().isoformat() and summary["reminders"] >= 4
    deadline = time.monotonic() + 60
    while Delivery.objects.filter(status="sent").count() < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert sorted(Delivery.objects.values_list("template", "status")) == [("digest", "sent")] * 2 + [("person_condition", "sent")] * 2
    assert real_celery_worker.sms_file.read_text().count("--- ") == 2  # the two text messages, sent by the worker
