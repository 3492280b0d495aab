"""The access log's daily job: each finished day copied to a file outside the database (oocr/audit/export.py)."""

from celery import shared_task


@shared_task(name="audit.access_log_export", soft_time_limit=15 * 60, time_limit=16 * 60)
def access_log_export_task(today: str | None = None) -> dict:
    """Copy each finished day of the access log, with the chain's head, to a file outside the database (daily).
    Running it again writes nothing twice: a day's file is created once."""
    from datetime import date

    from oocr.audit.export import access_log_export

    written = access_log_export(today=date.fromisoformat(today) if today else None)
    return {"written": [path.name for path in written]}
