"""Background work of the evaluation: thin tasks that take ids and call one service each."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from evaluation import services
from evaluation.models import CrimeRecordImport, ReoffendingDefinition


@shared_task(name="evaluation.crime_record_import_run", soft_time_limit=30 * 60, time_limit=31 * 60)
def crime_record_import_run_task(import_id: int) -> str:
    """Check and load one uploaded extract; a finished or vanished import is left alone."""
    if not CrimeRecordImport.objects.filter(pk=import_id).exists():
        return "gone"
    return services.crime_record_import_run(import_id=import_id).status


@shared_task(name="evaluation.reoffending_checks_run", soft_time_limit=30 * 60, time_limit=31 * 60,
             autoretry_for=(ConnectionError,), retry_backoff=60, max_retries=3)
def reoffending_checks_run_task(as_of: str | None = None, definition_id: int | None = None, user_id: int | None = None) -> list[int]:
    """The monthly check (every active definition), or one definition on demand. Safe to repeat: results are replaced."""
    from django.contrib.auth import get_user_model

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if definition_id is None:
        return [run.pk for run in services.reoffending_checks_run_all(as_of=day, user=user)]
    if not ReoffendingDefinition.objects.filter(pk=definition_id).exists():
        return []
    return [services.reoffending_check_run(definition_id=definition_id, as_of=day, user=user).pk]
