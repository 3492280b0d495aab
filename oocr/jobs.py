"""Long background jobs (a crime record import): who is running one, and whether it still has a living runner.

A job's runner holds a PostgreSQL session-level advisory lock on the job for as long as it runs. PostgreSQL releases
it when the runner's connection ends, and a killed worker's connection ends with it: so "the lock is free" is the
proof that nobody is running the job any more, which a heartbeat's age can only suggest. A redelivered task takes
a dead runner's job over at once (the lock is free), and never runs a living runner's job a second time (it is held).
Elsewhere than on PostgreSQL (the embedded SQLite default, one process) there is no lock to take: the lock is
always "taken" and never "held by another", and the sweeper goes by the heartbeat alone.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

# The first key of each kind of job's advisory locks (the second is the job's id): any fixed number, one per kind.
CRIME_RECORD_IMPORT = 1501
REPORT_JOB = 1502  # evaluation.ReportJob: a report's figures computed in the background


class JobBusy(Exception):
    """Another living runner holds the job: this one must not run it too (it is retried later)."""


@contextmanager
def job_lock(kind: int, job_id: int) -> Iterator[None]:
    """Hold the job's lock while the block runs; JobBusy at once if a living runner holds it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [kind, job_id])
        if not cursor.fetchone()[0]:
            raise JobBusy(f"Job {kind}:{job_id} is being run by another worker")
    try:
        yield
    finally:
        if connection.connection is not None:  # a lost connection has released it already
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [kind, job_id])


def job_runners(kind: int, job_ids: list[int]) -> set[int]:
    """Which of these jobs a living runner holds now (always none elsewhere than on PostgreSQL)."""
    if connection.vendor != "postgresql" or not job_ids:
        return set()
    with connection.cursor() as cursor:
        # An advisory lock on two int4 keys shows as classid = the first, objid = the second, objsubid = 2.
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = %s "
            "AND objid = ANY(%s) AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [kind, list(job_ids)],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def stale_before(now: datetime | None = None) -> datetime:
    """A running job whose last heartbeat is older than this has no runner left (JOB_STALE_AFTER_SECONDS)."""
    return (now or timezone.now()) - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
