"""The evaluation's tasks: eagerly in the test process, and the check through a real Celery worker over Redis."""

from datetime import date

import pytest

from conftest import REAL_WORKER
from evaluation.models import ReoffendingCheckRun, ReoffendingDefinition, ReoffendingResult
from evaluation.tasks import crime_record_import_run_task, reoffending_checks_run_task
from evaluation.tests.factories import CompletedCaseFactory, CrimeRecordFactory
from oocr.celery import app

AS_OF = "2026-11-01"


def reoffending_case():
    case = CompletedCaseFactory(crime__offence_date=date(2023, 12, 1), closed__on=date(2024, 5, 1), closed__decided_on=date(2024, 1, 10))
    CrimeRecordFactory(person=case.person, offence_date=date(2024, 6, 1), outcome_date=date(2024, 8, 1))
    return case


@pytest.mark.django_db
def test_the_monthly_task_runs_every_active_definition_and_is_safe_to_repeat():
    case = reoffending_case()
    first = reoffending_checks_run_task.delay(AS_OF).get()
    second = reoffending_checks_run_task.delay(AS_OF).get()
    active = ReoffendingDefinition.objects.filter(is_active=True).count()
    assert len(first) == len(second) == active
    assert ReoffendingResult.objects.filter(case=case).count() == 2  # 12 and 24 months, once each
    assert set(ReoffendingResult.objects.values_list("run_id", flat=True)) == set(second)


@pytest.mark.django_db
def test_tasks_return_quietly_when_the_work_is_gone():
    assert crime_record_import_run_task.delay(987654).get() == "gone"
    assert reoffending_checks_run_task.delay(AS_OF, 987654).get() == []


@pytest.mark.django_db
def test_the_monthly_check_is_on_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="evaluation.reoffending_checks_run")
    assert task.enabled
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == ("1", "3", "0")
    app.loader.import_default_modules()
    assert task.task in app.tasks  # the name the schedule sends is a task a worker knows


@REAL_WORKER
@pytest.mark.django_db(transaction=True)
def test_the_reoffending_check_runs_through_a_real_worker(real_celery_worker):
    case = reoffending_case()
    definition = ReoffendingDefinition.objects.get(name__startswith="Proven reoffending")
    app.conf.task_always_eager = False  # the autouse fixture restores it afterwards
    result = reoffending_checks_run_task.apply_async(args=[AS_OF, definition.pk, None], queue=real_celery_worker.queue)
    run_ids = result.get(timeout=120, disable_sync_subtasks=False)  # eager tasks earlier in this process set the guard
    run = ReoffendingCheckRun.objects.get(pk=run_ids[0])
    assert (run.status, run.as_of, run.cases_reoffended) == ("finished", date(2026, 11, 1), 1)
    assert ReoffendingResult.objects.get(run=run, case=case, follow_up_months=12).reoffended is True
