"""Background work of the evaluation: thin tasks that take ids and call one service each.

Every task is an OocrTask (oocr/celery.py): acknowledged when it ends, retried with growing waits after a lost worker
or a passing error. Each is safe to run again: see each service's docstring for why.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from evaluation import services
from evaluation.models import CrimeRecordImport, ReoffendingDefinition, ReportJob

# The longest jobs: a national import takes about a minute, a national check of every definition half a minute,
# drawing a national published run's figures and charts a few minutes
# (bench/results/evaluation-latest.md); settings.JOB_LONGEST_SECONDS and the visibility timeout are set from these.
LONG_JOB_LIMITS = {"soft_time_limit": 15 * 60, "time_limit": 16 * 60}


def _given_up(fail, key: str):
    """A job task's `on_failure`: its tries are used up (or it met an error no try would cure), so `fail` the job whose
    id is the task's first argument (or `key`), and its page says so."""

    def on_failure(task, exc, task_id, args, kwargs, einfo) -> None:
        job_id = args[0] if args else kwargs.get(key)
        if job_id is not None:
            fail(**{key: job_id})

    return on_failure


@shared_task(name="evaluation.crime_record_import_run",
             on_failure=_given_up(services.crime_record_import_fail, "import_id"), **LONG_JOB_LIMITS)
def crime_record_import_run_task(import_id: int) -> str:
    """Check and load one uploaded extract; a finished, cancelled or vanished import is left alone."""
    if not CrimeRecordImport.objects.filter(pk=import_id).exists():
        return "gone"
    return services.crime_record_import_run(import_id=import_id).status


@shared_task(bind=True, name="evaluation.reoffending_checks_run", **LONG_JOB_LIMITS)
def reoffending_checks_run_task(self, as_of: str | None = None, definition_id: int | None = None,
                                user_id: int | None = None) -> list[int]:
    """The monthly check (every active definition), or one definition on demand.

    Safe to repeat: the task's id names its runs, so the same request delivered again (after a lost worker) returns
    the runs it made instead of making them twice.
    """
    from django.contrib.auth import get_user_model

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    key = self.request.id or ""
    if definition_id is None:
        return [run.pk for run in services.reoffending_checks_run_all(as_of=day, user=user, request_key=key)]
    if not ReoffendingDefinition.objects.filter(pk=definition_id).exists():
        return []
    return [services.reoffending_check_run(definition_id=definition_id, as_of=day, user=user, request_key=key).pk]


@shared_task(name="evaluation.stale_imports_sweep", soft_time_limit=5 * 60, time_limit=6 * 60)
def stale_imports_sweep() -> list[int]:
    """Every 5 minutes: fail the imports whose runner is gone, remove their uploads and staging tables, tell the
    administrators (the ids failed). Running it twice fails nothing twice: a failed import is no longer running."""
    return services.crime_record_imports_sweep()


@shared_task(name="evaluation.report_charts_draw", **LONG_JOB_LIMITS)
def report_charts_draw_task(run_id: int) -> int:
    """After a run is published: draw its report's charts, so that the first reader finds them drawn. Safe to repeat:
    charts already kept are not drawn again; a run superseded meanwhile is left alone."""
    return services.report_charts_draw(run_id=run_id)


# A report job given up shows the reader "Try again".
@shared_task(name="evaluation.report_job_run", on_failure=_given_up(services.report_job_fail, "job_id"), **LONG_JOB_LIMITS)
def report_job_run_task(job_id: int) -> str:
    """Compute a report's figures for filters nothing kept yet, and keep them with the published run. Safe to repeat:
    a finished or vanished job is left alone, what is kept is not computed again, and a job another worker is
    running is retried later (JobBusy), never computed twice at once."""
    if not ReportJob.objects.filter(pk=job_id).exists():
        return "gone"
    return services.report_job_run(job_id=job_id)


@shared_task(name="evaluation.stale_report_jobs_sweep", soft_time_limit=60, time_limit=90)
def stale_report_jobs_sweep() -> list[int]:
    """Every 5 minutes: fail the report jobs whose runner is gone (the reader may try again). Returns the ids failed."""
    return services.report_jobs_sweep()
