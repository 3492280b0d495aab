"""Every write of the evaluation: crime record imports, matching, harm weights, reoffending checks, surveys."""

import csv
import io
import operator
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from psycopg import errors as psycopg_errors

from cases.models import Case, CaseEvent, Offence, Person, name_key, pnc_id_normalise
from cases.services import records_erase  # the one helper that also clears historical versions
from evaluation import checks, selectors
from evaluation.models import (
    CrimeRecord, CrimeRecordImport, CrimeRecordImportPart, EventType, HarmWeight, HarmWeightSet, PersonMatch, ReoffendingCheckRun,
    ReoffendingDefinition, ReoffendingResult, ReportChart, ReportJob, SurveyAnswer, SurveyInstrument, SurveyResponse,
)
from oocr import jobs
from oocr.concurrency.services import ANY_VERSION, version_bump
from oocr.csv_import import Problem, csv_import
from oocr.errors import DomainError
from oocr.notifications.services import notification_send

CRIME_RECORD_COLUMNS = ["crime_reference", "event_type", "offence_code", "offence_title", "offence_date", "outcome_date",
                        "pnc_id", "surname", "forenames", "date_of_birth"]
EVENT_TYPES = frozenset(EventType.values)  # checked a million times an import: not rebuilt each time
# Rows checked between two progress updates of an import.
PROGRESS_EVERY = 20_000
# Errors kept for the report; a wholly wrong file would otherwise store a million of them.
MAX_ERRORS_KEPT = 5_000


# --- Crime record imports -----------------------------------------------------------------------


def crime_record_import_start(*, user, file_name: str, text: str | None = None, file=None) -> CrimeRecordImport:
    """Keep an uploaded extract and load it in the background (a Celery task, after commit).

    `file` (an upload, or any file opened in binary) is stored as it is read, a megabyte at a time
    (CrimeRecordImportPart), so memory stays flat whatever its size; `text` (small extracts: the demo, tests) is kept
    as it is."""
    from evaluation.tasks import crime_record_import_run_task

    with transaction.atomic():
        upload = CrimeRecordImport.objects.create(file_name=file_name[:255], content=text or "", uploaded_by=user)
        if file is not None:
            crime_record_upload_store(upload.pk, file)
        transaction.on_commit(lambda: crime_record_import_run_task.delay(upload.pk))
    return upload


# An upload is stored in parts of this size, and the import sends a COPY statement per this much (saving its
# progress and heartbeat, and looking for a cancellation, between two).
PART_BYTES = 1 << 20
COPY_EVERY_BYTES = 16 << 20


def crime_record_upload_store(import_id: int, file) -> None:
    from django.core.files import File

    chunks = file.chunks(PART_BYTES) if hasattr(file, "chunks") else File(file).chunks(PART_BYTES)
    if hasattr(file, "seek"):
        file.seek(0)
    for number, chunk in enumerate(chunks):
        CrimeRecordImportPart.objects.create(upload_id=import_id, number=number, data=chunk, lines=chunk.count(b"\n"))


def crime_record_upload_chunks(import_id: int) -> Iterator[bytes]:
    """The uploaded extract's bytes, a part at a time (one query a part: never the whole file in memory)."""
    numbers = list(CrimeRecordImportPart.objects.filter(upload_id=import_id).order_by("number").values_list("number", flat=True))
    for number in numbers:
        yield bytes(CrimeRecordImportPart.objects.filter(upload_id=import_id, number=number).values_list("data", flat=True).get())
    if not numbers:
        text = CrimeRecordImport.objects.filter(pk=import_id).values_list("content", flat=True).get()
        for start in range(0, len(text), PART_BYTES):
            yield text[start:start + PART_BYTES].encode()


def _upload_rows(import_id: int) -> int:
    """The rows under the header, counted from the parts' line ends (the last line may have none)."""
    parts = CrimeRecordImportPart.objects.filter(upload_id=import_id)
    lines = parts.aggregate(lines=Sum("lines"))["lines"]
    if lines is None:
        text = CrimeRecordImport.objects.filter(pk=import_id).values_list("content", flat=True).get()
        return max(text.count("\n") - 1 + (not text.endswith("\n")), 0)
    last = bytes(parts.order_by("-number").values_list("data", flat=True).first() or b"")
    return max(lines - 1 + (not last.endswith(b"\n")), 0)


def _uploads_forget(imports) -> None:
    """Remove kept uploads (text and parts): they hold personal data. `imports`: a queryset of imports."""
    CrimeRecordImportPart.objects.filter(upload__in=imports.values("pk")).delete()
    imports.exclude(content="").update(content="")


class _ChunkReader(io.RawIOBase):
    """A binary stream over an iterator of byte chunks (to read an upload's parts as text, line by line)."""

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks, self.pending = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            self.pending = next(self.chunks, None)
            if self.pending is None:
                self.pending = b""
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def upload_lines(chunks: Iterable[bytes]) -> io.TextIOWrapper:
    """The text of an upload's chunks, line by line with the line ends kept (as csv wants), without holding it all."""
    return io.TextIOWrapper(io.BufferedReader(_ChunkReader(chunks), buffer_size=PART_BYTES), encoding="utf-8-sig", newline="")


@dataclass(frozen=True, slots=True)
class CheckedRow:
    crime_reference: str
    event_type: str
    offence_code: str
    offence_title: str
    offence_date: date
    outcome_date: date | None
    pnc_id: str
    surname: str
    forenames: str
    date_of_birth: date
    name_key: str
    person_key: str


def _parse_date(value: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None if neither. (fromisoformat first: a million rows have three dates each.)"""
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        day, month, year = value.split("/")
        if len(year) == 4:
            return date(int(year), int(month), int(day))
    except ValueError:
        pass
    return None


def crime_record_row_check(row: dict[str, str], *, today: date) -> tuple[CheckedRow | None, list[tuple[str, str]]]:
    """One row of an extract: the record to load, or the (column, problem) pairs that stop it."""
    value = {column: (row.get(column) or "").strip() for column in CRIME_RECORD_COLUMNS}
    problems = []
    for column, limit in (("crime_reference", 30), ("offence_code", 20), ("surname", 100), ("forenames", 100)):
        if not value[column]:
            problems.append((column, f"Enter the {column.replace('_', ' ')}"))
        elif len(value[column]) > limit:
            problems.append((column, f"The {column.replace('_', ' ')} must be {limit} characters or fewer"))
    if value["event_type"] not in EVENT_TYPES:
        problems.append(("event_type", f"Unknown event type '{value['event_type']}': use one of {', '.join(EventType.values)}"))
    if len(value["pnc_id"]) > 20:
        problems.append(("pnc_id", "The PNC ID must be 20 characters or fewer"))
    dates = {}
    for column, required in (("offence_date", True), ("outcome_date", False), ("date_of_birth", True)):
        if not value[column]:
            if required:
                problems.append((column, f"Enter the {column.replace('_', ' ')}"))
            dates[column] = None
            continue
        dates[column] = _parse_date(value[column])
        if dates[column] is None:
            problems.append((column, f"'{value[column]}' is not a date: use YYYY-MM-DD or DD/MM/YYYY"))
        elif dates[column] > today:
            problems.append((column, f"The {column.replace('_', ' ')} cannot be in the future"))
    if dates["offence_date"] and dates["outcome_date"] and dates["outcome_date"] < dates["offence_date"]:
        problems.append(("outcome_date", "The outcome date cannot be before the offence date"))
    if problems:
        return None, problems
    pnc_id = pnc_id_normalise(value["pnc_id"], today=today)  # spelt as people's are, so that they match
    key = name_key(value["forenames"], value["surname"])
    return CheckedRow(
        # Interned: a million rows share a few event types, codes and titles.
        crime_reference=value["crime_reference"].upper(), event_type=sys.intern(value["event_type"]),
        offence_code=sys.intern(value["offence_code"].upper()), offence_title=sys.intern(value["offence_title"][:200]), offence_date=dates["offence_date"], outcome_date=dates["outcome_date"],
        pnc_id=pnc_id, surname=value["surname"], forenames=value["forenames"], date_of_birth=dates["date_of_birth"],
        name_key=key, person_key=f"pnc:{pnc_id}" if pnc_id else f"name:{key}|{dates['date_of_birth']:%Y-%m-%d}",
    ), []


def crime_record_rows_check(text: str | Iterable[str], *, today: date, sink=None, progress=None) -> tuple[int, list[dict]]:
    """Check every row of an extract (its text, or its lines): (rows checked, errors). Any error means nothing may be
    loaded. Row by row in Python: the path of SQLite and of the files PostgreSQL's COPY cannot read (CopyStaging).

    Good rows go to `sink` (a list's `extend`, or a staging table's `add`) in
    chunks, until the first error: after that the rest is only checked, so
    that the report lists every wrong row.
    """
    reader = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    header = next(reader, None)
    if header is None or [name.strip().lstrip("\ufeff") for name in header] != CRIME_RECORD_COLUMNS:
        return 0, [{"line": 1, "column": "", "problem": f"The first line must be the column names: {','.join(CRIME_RECORD_COLUMNS)}"}]
    errors, keys, chunk = [], set(), []
    line = 1
    for line, values in enumerate(reader, start=2):
        record, problems = crime_record_row_check(dict(zip(CRIME_RECORD_COLUMNS, values)), today=today)
        if record:
            key = (record.crime_reference, record.person_key, record.event_type)
            if key in keys:
                problems = [("crime_reference", "The same crime reference, person and event type appear on an earlier line")]
            keys.add(key)
        errors += [{"line": line, "column": column, "problem": problem} for column, problem in problems]
        if not problems and not errors:
            chunk.append(record)
        if (line - 1) % PROGRESS_EVERY == 0:
            if sink and chunk:
                sink(chunk)
            chunk = []
            if progress:
                progress(line - 1)
    if sink and chunk and not errors:
        sink(chunk)
    if line == 1:
        errors.append({"line": 2, "column": "", "problem": "The file has no rows under the column names"})
    return line - 1, errors


class ImportCancelled(Exception):
    """An administrator cancelled the import while it ran: its runner stops, having loaded nothing."""


def crime_record_import_run(*, import_id: int) -> CrimeRecordImport:
    """Check every row, then load all of them or none; then match the records to people.

    Safe to repeat, and safe when its worker is killed: a finished (or cancelled) import returns at once; the runner
    holds the import's job lock (oocr/jobs.py) while it runs, so a second delivery of the task never runs it beside
    a living runner (JobBusy: retried later) and takes a dead runner's import over from the start. Good rows are
    staged as they are checked (on PostgreSQL, COPY into a staging table, chunk by chunk, saving the progress and a
    heartbeat between chunks, and stopping there if the import was cancelled); only when every row is good are they
    loaded, in one transaction with the matching and the import's own "loaded", so a kill at any moment leaves the
    records either all loaded and the import finished, or none loaded.
    """
    upload = CrimeRecordImport.objects.get(pk=import_id)
    if upload.is_finished:
        return upload
    with jobs.job_lock(jobs.CRIME_RECORD_IMPORT, import_id):
        total = _upload_rows(import_id)
        # Claimed only while unfinished: a cancellation committed first wins (the row lock orders the two).
        claimed = CrimeRecordImport.objects.filter(pk=import_id, status__in=CrimeRecordImport.UNFINISHED).update(
            status=CrimeRecordImport.Status.RUNNING, total_rows=total, rows_checked=0, heartbeat_at=timezone.now())
        upload.refresh_from_db(fields=["status", "cancel_requested_at", "total_rows", "rows_checked", "heartbeat_at"])
        if not claimed or upload.cancel_requested_at:
            return _import_cancelled(upload) if claimed else upload

        def progress(done: int) -> None:
            CrimeRecordImport.objects.filter(pk=import_id).update(rows_checked=done, heartbeat_at=timezone.now())
            if CrimeRecordImport.objects.filter(pk=import_id, cancel_requested_at__isnull=False).exists():
                raise ImportCancelled

        staging = CrimeRecordStaging.for_import(import_id)
        try:
            checked, errors = staging.check(lambda: crime_record_upload_chunks(import_id), today=timezone.localdate(),
                                            progress=progress)
            if not errors:
                try:
                    with transaction.atomic():
                        # Locked to the commit: a cancellation comes before the load (and stops it) or finds it loaded.
                        upload = CrimeRecordImport.objects.select_for_update().defer("content").get(pk=import_id)
                        if upload.cancel_requested_at:
                            raise ImportCancelled
                        before = None if isinstance(staging, CopyStaging) else CrimeRecord.objects.count()
                        rows_new = staging.load(source_id=upload.pk)
                        upload.rows_new = rows_new if before is None else CrimeRecord.objects.count() - before
                        upload.rows_checked = upload.rows_loaded = checked
                        _, upload.queued_for_review = crime_records_match(source_id=upload.pk)
                        upload.matched = CrimeRecord.objects.filter(source=upload, person__isnull=False).count()
                        upload.status, upload.content = CrimeRecordImport.Status.LOADED, ""
                        upload.finished_at, upload.heartbeat_at = timezone.now(), None
                        upload.save()
                        CrimeRecordImportPart.objects.filter(upload_id=import_id).delete()
                except ImportRowsWrong as wrong:
                    errors = wrong.errors
            if errors:
                CrimeRecordImport.objects.filter(pk=import_id).update(
                    status=CrimeRecordImport.Status.FAILED, rows_checked=checked, errors=errors[:MAX_ERRORS_KEPT],
                    finished_at=timezone.now(), heartbeat_at=None)
                _uploads_forget(CrimeRecordImport.objects.filter(pk=import_id))
        except ImportCancelled:
            upload.refresh_from_db()
            return _import_cancelled(upload)
        finally:
            staging.drop()
    upload.refresh_from_db()
    return upload


def _import_cancelled(upload: CrimeRecordImport) -> CrimeRecordImport:
    """The runner stops: nothing was loaded. The upload is kept so that the import can be run again (for a while)."""
    CrimeRecordImport.objects.filter(pk=upload.pk).update(
        status=CrimeRecordImport.Status.CANCELLED, finished_at=timezone.now(), heartbeat_at=None)
    upload.refresh_from_db()
    return upload


def crime_record_import_fail(*, import_id: int) -> None:
    """The task gave up (its tries used up after lost workers or passing errors, or its time limit): the import
    failed, nothing was loaded; the upload is kept so that it can be run again from its page (for a while)."""
    CrimeRecordImport.objects.filter(pk=import_id, status__in=CrimeRecordImport.UNFINISHED).update(
        status=CrimeRecordImport.Status.FAILED, finished_at=timezone.now(), heartbeat_at=None,
        errors=[{"line": "", "column": "", "problem": STOPPED}])


STOPPED = "The import stopped before it finished, so nothing was loaded. Run it again from this page."
SWEPT = ("The import stopped before it finished (its worker stopped), so nothing was loaded, and the uploaded file "
         "was removed. Upload the file again.")
# A failed or cancelled import's upload is kept this long for running it again, then removed by the sweeper.
UPLOAD_KEPT_FOR_RETRY = timedelta(days=1)


@transaction.atomic
def crime_record_import_cancel(*, import_id: int, user) -> CrimeRecordImport:
    """An administrator cancels a waiting or running import: nothing is loaded, whenever it stops.

    Waiting, or running with no living runner: cancelled at once. Running: asked to stop; the runner stops at its
    next chunk of rows, or before it loads. The import's row lock orders this against the runner's load: while the
    load holds it (to its commit), the cancellation is refused at once (NOWAIT), since the rows are going in.
    """
    try:
        upload = CrimeRecordImport.objects.select_for_update(nowait=True).get(pk=import_id)
    except DatabaseError as error:
        raise DomainError("The import is loading its rows now and can no longer be cancelled.") from error
    alive = import_id in jobs.job_runners(jobs.CRIME_RECORD_IMPORT, [import_id])
    upload.cancel(by=user, at=timezone.now(), runner_alive=alive)
    upload.save(update_fields=["status", "finished_at", "heartbeat_at", "cancel_requested_at", "cancelled_by"])
    if upload.status == CrimeRecordImport.Status.CANCELLED:
        CrimeRecordStaging.drop_for(import_id)
    return upload


@transaction.atomic
def crime_record_import_retry(*, import_id: int, user) -> CrimeRecordImport:
    """Run a failed or cancelled import again from its kept upload (in the background, after commit)."""
    from evaluation.tasks import crime_record_import_run_task

    upload = CrimeRecordImport.objects.select_for_update().get(pk=import_id)
    upload.retry(at=timezone.now())
    upload.full_clean()
    upload.save()
    transaction.on_commit(lambda: crime_record_import_run_task.delay(upload.pk))
    return upload


def crime_record_imports_sweep(*, now=None) -> list[int]:
    """Fail the imports nobody runs any more (no heartbeat for JOB_STALE_AFTER_SECONDS, no living runner), removing
    their upload and staging table, and tell the administrators; remove the uploads kept too long for a retry and any
    staging table left without a runner. Returns the ids of the imports failed.

    A living runner is never swept, however long its load keeps it from a heartbeat (oocr/jobs.py: its lock is held).
    Each import in its own transaction, skipped if locked (its runner is loading it).
    """
    now = now or timezone.now()
    stale = list(
        CrimeRecordImport.objects.filter(status__in=CrimeRecordImport.UNFINISHED)
        .filter(Q(heartbeat_at__lt=jobs.stale_before(now)) | Q(heartbeat_at=None, uploaded_at__lt=jobs.stale_before(now)))
        .values_list("pk", flat=True))
    alive = jobs.job_runners(jobs.CRIME_RECORD_IMPORT, stale)
    failed = []
    for import_id in stale:
        if import_id in alive:
            continue
        with transaction.atomic():
            upload = (CrimeRecordImport.objects.select_for_update(skip_locked=True)
                      .filter(pk=import_id, status__in=CrimeRecordImport.UNFINISHED).first())
            if upload is None:
                continue
            upload.status, upload.content, upload.finished_at, upload.heartbeat_at = (
                CrimeRecordImport.Status.FAILED, "", now, None)
            upload.errors = [{"line": "", "column": "", "problem": SWEPT}]
            upload.save(update_fields=["status", "content", "finished_at", "heartbeat_at", "errors"])
            CrimeRecordImportPart.objects.filter(upload_id=import_id).delete()
            CrimeRecordStaging.drop_for(import_id)
            _administrators_tell(
                text=f"A crime record import ({upload.file_name}) stopped without finishing: nothing was loaded and the "
                     "uploaded file was removed. Upload the file again.",
                url=reverse("evaluation:import_detail", args=[import_id]))
        failed.append(import_id)
    _uploads_forget(CrimeRecordImport.objects.filter(
        status__in=CrimeRecordImport.RETRYABLE, finished_at__lt=now - UPLOAD_KEPT_FOR_RETRY))
    running = set(CrimeRecordImport.objects.filter(status=CrimeRecordImport.Status.RUNNING).values_list("pk", flat=True))
    for import_id in CrimeRecordStaging.left_behind():
        if import_id not in running or import_id not in jobs.job_runners(jobs.CRIME_RECORD_IMPORT, [import_id]):
            CrimeRecordStaging.drop_for(import_id)
    return failed


def _administrators_tell(*, text: str, url: str) -> None:
    """An in-app notification to every active administrator (those who run the evaluation's jobs)."""
    administrators = get_user_model().objects.filter(
        is_active=True, groups__permissions__codename="manage_evaluation",
        groups__permissions__content_type__app_label="evaluation").distinct()
    for user in administrators:
        notification_send(user=user, text=text, url=url)


LOADED_FIELDS = ["crime_reference", "event_type", "offence_code", "offence_title", "offence_date", "outcome_date", "pnc_id",
                 "surname", "forenames", "date_of_birth", "name_key", "person_key"]
LOADED_VALUES = operator.attrgetter(*LOADED_FIELDS)  # a row's values in LOADED_FIELDS order, in one C call
UPDATED_ON_REIMPORT = ["offence_code", "offence_title", "offence_date", "outcome_date", "pnc_id", "surname", "forenames",
                       "date_of_birth", "name_key", "source_id"]


class ImportRowsWrong(Exception):
    """The load found what only loading shows (the same record twice in the file): the import fails with these errors."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} wrong rows")
        self.errors = errors


class CrimeRecordStaging:
    """Where checked rows wait until every row of the extract is known to be good (the seam of design.md section 1).

    PostgreSQL (CopyStaging): the file's bytes COPY'd as they are read into an unlogged table of text, checked
    there set-based, then loaded with one INSERT ... SELECT ... ON CONFLICT. Elsewhere: checked row by row in
    Python into a list, loaded with bulk_create(update_conflicts=True).
    """

    def __init__(self):
        self.rows: list[CheckedRow] = []

    @staticmethod
    def for_import(import_id: int) -> "CrimeRecordStaging":
        return CopyStaging(import_id) if connection.vendor == "postgresql" else CrimeRecordStaging()

    def check(self, chunks: Callable[[], Iterable[bytes]], *, today: date, progress=None) -> tuple[int, list[dict]]:
        """Check every row of the upload whose bytes `chunks()` gives: (rows checked, errors); good rows are staged."""
        return crime_record_rows_check(upload_lines(chunks()), today=today, sink=self.add, progress=progress)

    def add(self, rows: list[CheckedRow]) -> None:
        self.rows.extend(rows)

    def load(self, *, source_id: int) -> int | None:
        """Insert new records and update known ones. Caller holds the transaction. Returns the new rows, when known."""
        CrimeRecord.objects.bulk_create(
            [CrimeRecord(source_id=source_id, **{field: getattr(row, field) for field in LOADED_FIELDS}) for row in self.rows],
            batch_size=2000, update_conflicts=True, unique_fields=["crime_reference", "person_key", "event_type"],
            update_fields=["source" if field == "source_id" else field for field in UPDATED_ON_REIMPORT],
        )

    def drop(self) -> None:
        self.rows = []

    @staticmethod
    def drop_for(import_id: int) -> None:
        """Remove an import's staging tables, if it has them (a killed runner leaves them behind)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {CopyStaging.PREFIX}{int(import_id)}, {CopyStaging.RAW_PREFIX}{int(import_id)}")

    @staticmethod
    def left_behind() -> list[int]:
        """The imports whose staging table exists now."""
        if connection.vendor != "postgresql":
            return []
        found = set()
        for name in connection.introspection.table_names():
            for prefix in (CopyStaging.PREFIX, CopyStaging.RAW_PREFIX):
                if name.startswith(prefix) and name.removeprefix(prefix).isdigit():
                    found.add(int(name.removeprefix(prefix)))
        return sorted(found)


# What a row's text is trimmed of (str.strip's ASCII whitespace): rows with anything beyond ASCII are checked in Python.
_SPACES = "E' \\t\\n\\r\\f\\v\\x1c\\x1d\\x1e\\x1f'"
# Quotes inside an unquoted field, and PostgreSQL's end-of-data line: CSV that COPY would read otherwise than Python's
# csv module. A file with either is checked row by row in Python.
_COPY_UNSAFE = re.compile(rb'[^,\n"]"[^,\r\n"]|(?:^|\n)\\\.(?:\r?\n|$)')


def _copy_unsafe(data: bytes) -> bool:
    """Whether COPY would read `data` otherwise than Python's csv module: the regex only where it can match (run over
    every megabyte, it took half the COPY step; looking for its two needles first takes a hundredth of that)."""
    return (b'"' in data or b"\\." in data) and _COPY_UNSAFE.search(data) is not None


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class CopyStaging(CrimeRecordStaging):
    """Two unlogged tables per import: `crime_record_raw_<id>`, the file's rows as text (COPY, a line number each),
    and `crime_record_staging_<id>`, rows already checked and spelt as stored (those Python checked: any with
    text beyond ASCII or an unusual date, or every row of a file COPY cannot read as Python would).

    Each check of `crime_record_row_check` is a SQL expression over the raw table (`_checks`), applied to the rows
    whose text is plain enough for SQL to give exactly Python's answer; the others go through Python. Duplicates in
    the file are found by the load itself (ON CONFLICT cannot affect a row twice), then reported by line."""

    PREFIX = "crime_record_staging_"
    RAW_PREFIX = "crime_record_raw_"

    def __init__(self, import_id: int):
        super().__init__()
        self.table, self.raw = f"{self.PREFIX}{int(import_id)}", f"{self.RAW_PREFIX}{int(import_id)}"
        self.today = timezone.localdate()
        self.ascii = True  # every byte COPY'd so far is ASCII (seen as they pass): the fast check may be tried
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}, {self.raw}")
            cursor.execute(f"CREATE UNLOGGED TABLE {self.table} AS SELECT {', '.join(LOADED_FIELDS)}, 0::bigint AS line "
                           f"FROM {CrimeRecord._meta.db_table} WITH NO DATA")
            cursor.execute(f"CREATE UNLOGGED TABLE {self.raw} (line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), "
                           f"{', '.join(column + ' text' for column in CRIME_RECORD_COLUMNS)})")

    def add(self, rows: list[CheckedRow]) -> None:
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {self.table} ({', '.join(LOADED_FIELDS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(LOADED_VALUES(row))

    # --- Checking -----------------------------------------------------------------------------------------------

    def check(self, chunks, *, today: date, progress=None) -> tuple[int, list[dict]]:
        self.today = today
        stream = iter(chunks())
        head = b""
        for chunk in stream:
            head += chunk
            if b"\n" in head:
                break
        header_line, _, rest = head.partition(b"\n")
        try:
            header = next(csv.reader([header_line.decode("utf-8-sig")]), [])
        except UnicodeDecodeError:
            header = None
        if header is None:
            return self._check_in_python(chunks, today=today, progress=progress)
        if [name.strip().lstrip("\ufeff") for name in header] != CRIME_RECORD_COLUMNS:
            return 0, [{"line": 1, "column": "", "problem": f"The first line must be the column names: {','.join(CRIME_RECORD_COLUMNS)}"}]
        try:
            rows = self._copy(rest, stream, progress)
        except _CopyRefused:
            return self._check_in_python(chunks, today=today, progress=progress)
        if rows == 0:
            return 0, [{"line": 2, "column": "", "problem": "The file has no rows under the column names"}]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.raw}")  # its size, for the plans of the checks and the load
        if self.ascii and self._check_fast(rows):
            return rows, []
        with connection.cursor() as cursor:
            # Every row SQL can answer for and finds good, spelt once as stored: when that is every row, nothing is
            # left to find (the usual case, and one pass over the rows); otherwise the problems and Python's rows.
            good = self._spelt().replace("WHERE in_sql OFFSET 0", f"WHERE in_sql AND {self._good()} OFFSET 0")
            cursor.execute(f"INSERT INTO {self.table} ({', '.join(LOADED_FIELDS)}, line) {good}",
                           {"today": self.today, "year": self.today.year})
            if cursor.rowcount == rows:
                return rows, []
        errors = self._check_in_sql()
        errors = sorted(errors + self._check_the_rest(), key=lambda error: error["line"])[:MAX_ERRORS_KEPT]
        if errors:
            errors = sorted(errors + self._duplicates(), key=lambda error: error["line"])[:MAX_ERRORS_KEPT]
        return rows, errors

    def _check_fast(self, rows: int) -> bool:
        """The clean file's pass (issue 18, point 7): every row checked and spelt by cheaper SQL (`_spelt_fast`) in one
        INSERT, kept only when every row went in. Anything it cannot vouch for (a wrong row, a date PostgreSQL refuses,
        a shape it does not know) leaves the staging table empty and returns False: the full check then runs and
        names each problem. Only for a file that is ASCII throughout (seen by the COPY step)."""

        class NotEveryRow(Exception):
            pass

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {self.table} ({', '.join(LOADED_FIELDS)}, line) {self._spelt_fast()}",
                               {"today": self.today, "year": self.today.year})
                if cursor.rowcount != rows:
                    raise NotEveryRow
        except (NotEveryRow, DataError):
            return False
        return True

    def _spelt_fast(self) -> str:
        """The raw rows, spelt as `_spelt` spells them, that pass every check of `_checks`, in cheaper SQL for an ASCII
        file: the date checks are PostgreSQL's own casts (which refuse an impossible date with an error: the caller
        then takes the full check), the PNC ID skips its regular expression when already stored as 2026/0001234A, the
        name key its replacing when the names are letters and single spaces, and an ISO date of birth is its own
        spelling in the person key."""
        trimmed = ", ".join(f"btrim({column}, {_SPACES}) AS {column}" for column in CRIME_RECORD_COLUMNS)
        dates = []
        for column in ("offence_date", "outcome_date", "date_of_birth"):
            # Four-digit years from 1000 (Python spells earlier ones otherwise); the same shapes `_checked` reads.
            iso = (f"length({column}) = 10 AND substr({column}, 5, 1) = '-' AND substr({column}, 8, 1) = '-' "
                   f"AND translate({column}, '0123456789', '') = '--' AND left({column}, 1) <> '0'")
            dmy = (f"translate({column}, '0123456789', '') = '//' AND length(split_part({column}, '/', 3)) = 4 "
                   f"AND left(split_part({column}, '/', 3), 1) <> '0' AND length(split_part({column}, '/', 1)) BETWEEN 1 AND 2 "
                   f"AND length(split_part({column}, '/', 2)) BETWEEN 1 AND 2")
            day = (f"make_date(split_part({column}, '/', 3)::int, split_part({column}, '/', 2)::int, "
                   f"split_part({column}, '/', 1)::int)")
            dates.append(f"CASE WHEN {iso} THEN {column}::date WHEN {dmy} THEN {day} END AS {column}_day")
        year = "left(p, 2)::int"
        pnc_id = (f"CASE WHEN p = '' OR (length(p) = 12 AND substr(p, 5, 1) = '/' AND translate(left(p, 4) || substr(p, 6, 7), "
                  f"'0123456789', '') = '' AND ascii(right(p, 1)) BETWEEN 65 AND 90) THEN p "
                  f"WHEN p ~ '^([0-9]{{2}}|[0-9]{{4}})/[0-9]{{1,7}}[A-Z]$' THEN (CASE WHEN position('/' in p) = 3 "
                  f"THEN (CASE WHEN 2000 + {year} <= %(year)s THEN 2000 + {year} ELSE 1900 + {year} END)::text ELSE left(p, 4) END) "
                  f"|| '/' || lpad(left(split_part(p, '/', 2), -1), 7, '0') || right(p, 1) ELSE p END")
        name = ("CASE WHEN forenames || ' ' || surname ~ '^[A-Za-z]+( [A-Za-z]+)*$' THEN n "
                "ELSE btrim(regexp_replace(n, '[^a-z]+', ' ', 'g')) END")
        lengths = " AND ".join(f"{column} <> '' AND length({column}) <= {limit}" for column, limit in (
            ("crime_reference", 30), ("offence_code", 20), ("surname", 100), ("forenames", 100)))
        known = ", ".join(_sql_text(value) for value in EventType.values)
        good = (f"{lengths} AND event_type IN ({known}) AND length(pnc_id) <= 20 "
                f"AND offence_date_day <= %(today)s AND date_of_birth_day <= %(today)s "
                f"AND (outcome_date = '' OR (outcome_date_day <= %(today)s AND outcome_date_day >= offence_date_day))")
        return (f"SELECT upper(crime_reference), event_type, upper(offence_code), left(offence_title, 200), offence_date_day, "
                f"outcome_date_day, pnc, surname, forenames, date_of_birth_day, name_key, CASE WHEN pnc <> '' THEN 'pnc:' || pnc "
                f"ELSE 'name:' || name_key || '|' || CASE WHEN substr(date_of_birth, 5, 1) = '-' THEN date_of_birth "
                f"ELSE to_char(date_of_birth_day, 'YYYY-MM-DD') END END, line FROM ("
                f"SELECT *, {pnc_id} AS pnc, {name} AS name_key FROM ("
                f"SELECT *, upper(translate(pnc_id, {_SPACES}, '')) AS p, lower(forenames || ' ' || surname) AS n, {', '.join(dates)} "
                f"FROM (SELECT line, {trimmed} FROM {self.raw} OFFSET 0) t OFFSET 0) d WHERE {good} OFFSET 0) s")

    def _check_in_python(self, chunks, *, today, progress):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.raw}, {self.table}")
        return crime_record_rows_check(upload_lines(chunks()), today=today, sink=self.add, progress=progress)

    def _copy(self, first: bytes, stream: Iterator[bytes], progress) -> int:
        """COPY the rows' bytes as they come, a statement per COPY_EVERY_BYTES (read before the statement: the parts
        are read on the same connection; split at a line end), the progress saved between two. Raises _CopyRefused
        when COPY cannot read the file as Python's csv module would."""
        rows, tail, carry, done, wanted = 0, b"", first, False, COPY_EVERY_BYTES
        while not done:
            batch, size = [carry], len(carry)
            while size < wanted:
                chunk = next(stream, None)
                if chunk is None:
                    done = True
                    break
                batch.append(chunk)
                size += len(chunk)
            carry = b""
            if not done:  # a statement ends at a line end: what follows the batch's last one waits for the next
                last = next((i for i in range(len(batch) - 1, -1, -1) if b"\n" in batch[i]), None)
                if last is None:  # no line end yet (a line longer than a batch): read on
                    carry = b"".join(batch)
                    wanted = len(carry) + 1
                    continue
                wanted = COPY_EVERY_BYTES
                cut = batch[last].rindex(b"\n") + 1
                carry = batch[last][cut:] + b"".join(batch[last + 1:])
                batch = batch[:last] + [batch[last][:cut]]
            with transaction.atomic(), connection.cursor() as cursor:
                try:
                    with cursor.cursor.copy(f"COPY {self.raw} ({', '.join(CRIME_RECORD_COLUMNS)}) FROM STDIN "
                                            f"(FORMAT csv, FORCE_NOT_NULL ({', '.join(CRIME_RECORD_COLUMNS)}))") as copy:
                        for chunk in batch:
                            if _copy_unsafe(tail + chunk):
                                raise _CopyRefused
                            if chunk:
                                tail = chunk[-2:]
                                self.ascii = self.ascii and chunk.isascii()
                                copy.write(chunk)
                except psycopg_errors.DataError as error:
                    raise _CopyRefused from error
                rows += max(cursor.cursor.rowcount, 0)
            if progress and not done:
                progress(rows)
        return rows

    def _checked(self) -> str:
        """The raw rows as the checks see them: trimmed, dates taken apart, `in_sql` where SQL's answer is Python's."""
        trimmed = ", ".join(f"btrim({column}, {_SPACES}) AS {column}" for column in CRIME_RECORD_COLUMNS)
        every = " || ".join(CRIME_RECORD_COLUMNS)
        parts = []
        for column in ("offence_date", "outcome_date", "date_of_birth"):
            iso = f"(length({column}) = 10 AND substr({column}, 5, 1) = '-' AND substr({column}, 8, 1) = '-' AND translate({column}, '0123456789', '') = '--')"
            dmy = (f"(translate({column}, '0123456789', '') = '//' AND length(split_part({column}, '/', 3)) = 4 "
                   f"AND length(split_part({column}, '/', 1)) BETWEEN 1 AND 2 AND length(split_part({column}, '/', 2)) BETWEEN 1 AND 2)")
            for name, at_iso, at_dmy in (("y", f"substr({column}, 1, 4)", f"split_part({column}, '/', 3)"),
                                        ("m", f"substr({column}, 6, 2)", f"split_part({column}, '/', 2)"),
                                        ("d", f"substr({column}, 9, 2)", f"split_part({column}, '/', 1)")):
                parts.append(f"CASE WHEN {iso} THEN {at_iso}::int WHEN {dmy} THEN {at_dmy}::int END AS {column}_{name}")
        days = []
        for column in ("offence_date", "outcome_date", "date_of_birth"):
            y, m, d = (f"{column}_{name}" for name in "ymd")
            last = (f"CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE WHEN {y} % 4 = 0 AND ({y} % 100 <> 0 "
                    f"OR {y} % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END").replace(" % ", " %% ")
            days.append(f"CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {last} THEN make_date({y}, {m}, {d}) END AS {column}_day")
        in_sql = ("ascii AND (offence_date = '' OR offence_date_y IS NOT NULL) AND (outcome_date = '' OR outcome_date_y IS NOT NULL) "
                  "AND (date_of_birth = '' OR date_of_birth_y >= 1000)")  # Python spells a year before 1000 in 3 digits
        # OFFSET 0: each layer computed once a row (PostgreSQL would otherwise copy its expressions into the next).
        return (f"SELECT *, {in_sql} AS in_sql FROM (SELECT *, {', '.join(days)} FROM ("
                f"SELECT *, {', '.join(parts)} FROM (SELECT line, {trimmed}, octet_length({every}) = length({every}) AS ascii "
                f"FROM {self.raw} OFFSET 0) t OFFSET 0) d OFFSET 0) v")

    def _checks(self) -> list[tuple[str, str]]:
        """(column, the SQL of its problem or NULL), in crime_record_row_check's order."""
        checks = []
        for column, limit in (("crime_reference", 30), ("offence_code", 20), ("surname", 100), ("forenames", 100)):
            label = column.replace("_", " ")
            checks.append((column, f"CASE WHEN {column} = '' THEN {_sql_text(f'Enter the {label}')} WHEN length({column}) > {limit} "
                                   f"THEN {_sql_text(f'The {label} must be {limit} characters or fewer')} END"))
        known = ", ".join(_sql_text(value) for value in EventType.values)
        use_one = _sql_text("': use one of " + ", ".join(EventType.values))
        checks.append(("event_type", f"CASE WHEN event_type NOT IN ({known}) THEN 'Unknown event type ''' || event_type || "
                                     f"{use_one} END"))
        checks.append(("pnc_id", "CASE WHEN length(pnc_id) > 20 THEN 'The PNC ID must be 20 characters or fewer' END"))
        for column, required in (("offence_date", True), ("outcome_date", False), ("date_of_birth", True)):
            label = column.replace("_", " ")
            empty = _sql_text(f"Enter the {label}") if required else "NULL"
            checks.append((column, f"CASE WHEN {column} = '' THEN {empty} WHEN {column}_day IS NULL THEN '''' || {column} || "
                                   f"''' is not a date: use YYYY-MM-DD or DD/MM/YYYY' WHEN {column}_day > %(today)s "
                                   f"THEN {_sql_text(f'The {label} cannot be in the future')} END"))
        checks.append(("outcome_date", "CASE WHEN outcome_date_day < offence_date_day THEN 'The outcome date cannot be before the offence date' END"))
        return checks

    def _check_in_sql(self) -> list[dict]:
        """Every problem of the rows SQL checks, by line (one scan finds the wrong rows, then their problems)."""
        checks = self._checks()
        problems = ", ".join(f"({number}, {_sql_text(column)}, {sql})" for number, (column, sql) in enumerate(checks))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.line, p.col, p.problem FROM ({self._checked()}) c "
                f"CROSS JOIN LATERAL (VALUES {problems}) AS p(number, col, problem) "
                f"WHERE c.in_sql AND COALESCE({', '.join(sql for _, sql in checks)}) IS NOT NULL AND p.problem IS NOT NULL "
                f"ORDER BY c.line, p.number LIMIT %(limit)s", {"today": self.today, "limit": MAX_ERRORS_KEPT})
            return [{"line": line, "column": column, "problem": problem} for line, column, problem in cursor.fetchall()]

    def _check_the_rest(self) -> list[dict]:
        """The rows SQL leaves to Python, checked by crime_record_row_check; the good ones staged with their line."""
        errors, after = [], 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT line, {', '.join(CRIME_RECORD_COLUMNS)} FROM ({self._checked()}) c "
                               f"WHERE NOT in_sql AND line > %(after)s ORDER BY line LIMIT 20000", {"after": after})
                rows = cursor.fetchall()
            if not rows:
                return errors
            good = []
            for line, *values in rows:
                record, problems = crime_record_row_check(dict(zip(CRIME_RECORD_COLUMNS, values)), today=self.today)
                errors += [{"line": line, "column": column, "problem": problem} for column, problem in problems]
                if record:
                    good.append((*LOADED_VALUES(record), line))
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY {self.table} ({', '.join(LOADED_FIELDS)}, line) FROM STDIN") as copy:
                for values in good:
                    copy.write_row(values)
            after = rows[-1][0]

    def _spelt(self) -> str:
        """The rows SQL checks, spelt by SQL as Python would store them (LOADED_FIELDS and line)."""
        pnc = f"upper(translate(pnc_id, {_SPACES}, ''))"
        year = "left(p, 2)::int"
        pnc_id = (f"(CASE WHEN p ~ '^([0-9]{{2}}|[0-9]{{4}})/[0-9]{{1,7}}[A-Z]$' THEN (CASE WHEN position('/' in p) = 3 "
                  f"THEN (CASE WHEN 2000 + {year} <= %(year)s THEN 2000 + {year} ELSE 1900 + {year} END)::text ELSE left(p, 4) END) "
                  f"|| '/' || lpad(left(split_part(p, '/', 2), -1), 7, '0') || right(p, 1) ELSE p END)")
        name = "btrim(regexp_replace(lower(forenames || ' ' || surname), '[^a-z]+', ' ', 'g'))"
        return (f"SELECT crime_reference, event_type, offence_code, offence_title, offence_date, outcome_date, pnc_id, surname, "
                f"forenames, date_of_birth, name_key, CASE WHEN pnc_id <> '' THEN 'pnc:' || pnc_id "
                f"ELSE 'name:' || name_key || '|' || to_char(date_of_birth, 'YYYY-MM-DD') END AS person_key, line FROM ("
                f"SELECT upper(crime_reference) AS crime_reference, event_type, upper(offence_code) AS offence_code, "
                f"left(offence_title, 200) AS offence_title, offence_date_day AS offence_date, outcome_date_day AS outcome_date, "
                f"{pnc_id} AS pnc_id, surname, forenames, date_of_birth_day AS date_of_birth, {name} AS name_key, line "
                f"FROM (SELECT *, {pnc} AS p FROM ({self._checked()}) c WHERE in_sql OFFSET 0) c OFFSET 0) s")

    def _good(self) -> str:
        """SQL true for a row none of the checks finds a problem in."""
        return f"COALESCE({', '.join(sql for _, sql in self._checks())}) IS NULL"

    def _duplicates(self) -> list[dict]:
        """The lines repeating an earlier line's crime reference, person and event type (of rows otherwise good)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY crime_reference, person_key, event_type "
                f"ORDER BY line) AS n FROM {self.table}) d WHERE n > 1 ORDER BY line LIMIT %(limit)s", {"limit": MAX_ERRORS_KEPT})
            return [{"line": line, "column": "crime_reference",
                     "problem": "The same crime reference, person and event type appear on an earlier line"}
                    for (line,) in cursor.fetchall()]

    # --- Loading ----------------------------------------------------------------------------------------------

    def load(self, *, source_id: int) -> int:
        """One INSERT from the staged rows that matches as it goes (rewriting a million rows after would double the work).

        A record already known keeps its person (it may have been confirmed by hand). The rows' foreign keys are
        checked set-based, not row by row (see `_keys_checked_as_a_set`). Two rows of the file about the same record
        fail the INSERT (ON CONFLICT cannot update a row twice): ImportRowsWrong, listing them.
        """
        table = CrimeRecord._meta.db_table
        columns = ", ".join(LOADED_FIELDS)
        updates = ", ".join(f"{field} = EXCLUDED.{field}" for field in UPDATED_ON_REIMPORT)
        joins, person, method = [], [], []
        for number, (rule_method, people, same) in enumerate(_match_rules()):
            alias = f"p{number}"
            earlier = "".join(f" AND p{n}.id IS NULL" for n in range(number))
            joins.append(f"LEFT JOIN ({people}) AS {alias} ON {same.format(p=alias)}{earlier}")
            person.append(f"{alias}.id")
            method.append(f"WHEN {alias}.id IS NOT NULL THEN '{rule_method}'")
        set_based = self._keys_checked_as_a_set()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if set_based:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(
                    f"WITH loaded AS (INSERT INTO {table} ({columns}, source_id, person_id, match_method) "
                    f"SELECT {', '.join('r.' + field for field in LOADED_FIELDS)}, %(source)s, COALESCE({', '.join(person)}), "
                    f"CASE {' '.join(method)} ELSE '' END "
                    f"FROM {self.table} AS r {' '.join(joins)} "
                    f"ON CONFLICT (crime_reference, person_key, event_type) DO UPDATE SET {updates}, "
                    f"person_id = COALESCE({table}.person_id, EXCLUDED.person_id), "
                    f"match_method = CASE WHEN {table}.person_id IS NULL THEN EXCLUDED.match_method ELSE {table}.match_method END "
                    # xmax is 0 on a row this statement inserted, and set on one it updated: the new rows, counted here.
                    f"RETURNING xmax = 0 AS new) SELECT count(*) FILTER (WHERE new) FROM loaded",
                    {"source": source_id, "today": self.today, "year": self.today.year},
                )
                rows_new = cursor.fetchone()[0]
                if set_based:
                    cursor.execute("SET LOCAL session_replication_role = origin")
                    self._keys_check(cursor, source_id)
            return rows_new
        except DatabaseError as error:
            if not isinstance(error.__cause__, psycopg_errors.CardinalityViolation):
                raise
            raise ImportRowsWrong(self._duplicates()) from error

    @staticmethod
    def _keys_checked_as_a_set() -> bool:
        """Whether this connection may turn the row-by-row foreign key triggers off for the load (a superuser, or one
        granted SET on session_replication_role); otherwise PostgreSQL checks each row's keys itself."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on' OR (current_setting('server_version_num')::int >= 150000 "
                           "AND has_parameter_privilege('session_replication_role', 'SET'))")
            return cursor.fetchone()[0]

    @staticmethod
    def _keys_check(cursor, source_id: int) -> None:
        """What the foreign key triggers would have done, for all the rows at once: the import (locked by the runner)
        exists, and every person the load matched is locked FOR KEY SHARE, so that none is deleted before the commit
        (a person deleted since the INSERT read them is missing: the load fails and its task runs it again)."""
        cursor.execute(
            f"WITH people AS (SELECT DISTINCT person_id FROM {CrimeRecord._meta.db_table} WHERE source_id = %s AND person_id IS NOT NULL), "
            f"locked AS (SELECT p.id FROM {Person._meta.db_table} p JOIN people ON people.person_id = p.id FOR KEY SHARE OF p) "
            f"SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM locked), "
            f"EXISTS (SELECT 1 FROM {CrimeRecordImport._meta.db_table} WHERE id = %s)", [source_id, source_id])
        people, locked, source = cursor.fetchone()
        if people != locked or not source:
            raise DatabaseError("A person or the import the crime records refer to was removed during the load.")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}, {self.raw}")


class _CopyRefused(Exception):
    """COPY cannot read this file as Python's csv module would: it is checked row by row in Python instead."""


def crime_records_load(rows: list[CheckedRow], *, source_id: int) -> None:
    """Load rows already checked (all good). Caller holds the transaction."""
    staging = CrimeRecordStaging.for_import(source_id)
    try:
        staging.add(rows)
        staging.load(source_id=source_id)
    finally:
        staging.drop()


def _match_rules() -> list[tuple[str, str, str]]:
    """The matching rules in order, as (method, the people it looks up, how a record `r` meets one `p`).

    One source for both the import's load and `crime_records_match`. Where
    two people share the identifiers, the earlier record wins.
    """
    person = Person._meta.db_table
    return [
        (CrimeRecord.MatchMethod.PNC_ID, f"SELECT pnc_id, MIN(id) AS id FROM {person} WHERE pnc_id <> '' GROUP BY pnc_id",
         "r.pnc_id = {p}.pnc_id"),
        # Names and date of birth, unless both sides have a PNC ID (then they differ: two people, or a
        # mistake for an administrator to look at in the review queue).
        (CrimeRecord.MatchMethod.NAME_AND_BIRTH,
         f"SELECT date_of_birth, name_key, MIN(id) AS id, MAX(pnc_id) AS pnc_id FROM {person} GROUP BY date_of_birth, name_key",
         "r.date_of_birth = {p}.date_of_birth AND r.name_key = {p}.name_key AND (r.pnc_id = '' OR {p}.pnc_id = '')"),
    ]


def crime_records_match(*, source_id: int | None = None) -> tuple[int, int]:
    """Match unmatched records to people: PNC ID exactly, else names and date of birth; queue doubtful ones.

    Returns (matched, newly queued for review). Set-based (UPDATE ... FROM, on
    PostgreSQL and SQLite alike); limited to one import's records when
    `source_id` is given. A rejected pair is never queued again.
    """
    only_source = "AND r.source_id = %s" if source_id is not None else ""
    source = [source_id] if source_id is not None else []
    matched = 0
    with connection.cursor() as cursor:
        for method, people, same in _match_rules():
            cursor.execute(
                f"UPDATE {CrimeRecord._meta.db_table} AS r SET person_id = p.id, match_method = %s FROM ({people}) AS p "
                f"WHERE r.person_id IS NULL {only_source} AND {same.format(p='p')}",
                [method, *source],
            )
            matched += cursor.rowcount
    return matched, _doubtful_matches_queue(source_id=source_id)


def _doubtful_matches_queue(*, source_id: int | None) -> int:
    """Queue each still unmatched record against people with the same date of birth and the same surname or forenames."""
    record, person, match = CrimeRecord._meta.db_table, Person._meta.db_table, PersonMatch._meta.db_table
    source_filter = "AND r.source_id = %s" if source_id is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {match} (crime_record_id, person_id, reason, status, created_at)
            SELECT r.id, p.id,
                   CASE WHEN p.name_key = r.name_key THEN 'Same names and date of birth, different PNC ID'
                        WHEN LOWER(p.last_name) = LOWER(r.surname) THEN 'Same date of birth and surname, different forenames'
                        ELSE 'Same date of birth and forenames, different surname' END,
                   %s, %s
            FROM {record} r JOIN {person} p ON p.date_of_birth = r.date_of_birth
             AND (LOWER(p.last_name) = LOWER(r.surname) OR LOWER(p.first_names) = LOWER(r.forenames))
            WHERE r.person_id IS NULL {source_filter}
              AND NOT EXISTS (SELECT 1 FROM {match} m WHERE m.crime_record_id = r.id AND m.person_id = p.id)
            """,
            [PersonMatch.Status.WAITING, timezone.now(), *([source_id] if source_id is not None else [])],
        )
        return cursor.rowcount


@transaction.atomic
def person_match_decide(*, match_id: int, user, confirm: bool) -> PersonMatch:
    """An administrator confirms (the record becomes the person's) or rejects a doubtful match; kept either way."""
    match = PersonMatch.objects.select_for_update().select_related("crime_record").get(pk=match_id)
    match.decide(confirm=confirm, by=user, at=timezone.now())
    match.full_clean()
    match.save()
    if confirm:
        record = CrimeRecord.objects.select_for_update().get(pk=match.crime_record_id)
        if record.person_id and record.person_id != match.person_id:
            raise DomainError("This crime record was matched to someone else meanwhile; nothing was changed.")
        record.person_id, record.match_method = match.person_id, CrimeRecord.MatchMethod.CONFIRMED
        record.save(update_fields=["person", "match_method"])
        # The record is settled: other candidates for it are no longer waiting.
        PersonMatch.objects.filter(crime_record_id=record.pk, status=PersonMatch.Status.WAITING).update(
            status=PersonMatch.Status.REJECTED, decided_by=user, decided_at=timezone.now(),
        )
    return match


@transaction.atomic
def person_crime_records_pseudonymise(*, person_id: int) -> int:
    """Disposal of a person (retention): their later crime records keep what the reoffending check counts
    (event type, offence, dates, the link to the pseudonymised person) and lose who they were about: names,
    PNC ID, crime reference, and the day and month of birth. Waiting matches of them are rejected (nobody
    is left to compare). Returns how many records changed.
    """
    records = list(CrimeRecord.objects.select_for_update().filter(person_id=person_id).order_by("pk"))
    # Events of one crime keep one (new) reference, so a check still counts the crime once; the prefix
    # differs from disposed cases' own crimes ("DISPOSED-<id>"), which a check leaves out by reference.
    references = {}
    for record in records:
        references.setdefault(record.crime_reference, f"DISPOSED-RMS-{record.pk}")
    for record in records:
        record.crime_reference, record.person_key = references[record.crime_reference], f"disposed:{record.pk}"
        record.pnc_id = record.surname = record.forenames = record.name_key = ""
        record.date_of_birth = record.date_of_birth.replace(month=1, day=1)
    CrimeRecord.objects.bulk_update(records, ["crime_reference", "person_key", "pnc_id", "surname", "forenames", "name_key",
                                              "date_of_birth"])
    PersonMatch.objects.filter(person_id=person_id, status=PersonMatch.Status.WAITING).update(
        status=PersonMatch.Status.REJECTED, decided_at=timezone.now())
    return len(records)


# --- Harm weights -----------------------------------------------------------------------------------


HARM_WEIGHT_COLUMNS = ["offence_code", "offence_title", "days"]


def harm_weight_set_import(*, user, name: str, version: str, source: str, text: str, make_current: bool) -> HarmWeightSet:
    """A new version of per-offence weights from `offence_code,offence_title,days` rows: all rows or none
    (oocr/csv_import.py)."""
    seen = set()

    def row_check(line: int, row: dict[str, str]):
        code, title, days = (row[column] for column in HARM_WEIGHT_COLUMNS)
        try:
            value = Decimal(days)
            if value < 0 or not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return None, [Problem("days", f"days must be a number of 0 or more, not '{days}'")]
        problems = []
        if not code:
            problems.append(Problem("offence_code", "enter the offence code"))
        elif code.upper() in seen:
            problems.append(Problem("offence_code", f"offence code {code} appears more than once"))
        seen.add(code.upper())
        return HarmWeight(key=code.upper(), title=title[:200], days=value), problems

    def save(weights) -> HarmWeightSet:
        if HarmWeightSet.objects.filter(name=name, version=version).exists():
            raise ValidationError({"version": f"{name} already has a version {version}: give the new one another version"})
        weight_set = HarmWeightSet(name=name, version=version, kind=HarmWeightSet.Kind.OFFENCE, source=source,
                                   created_by=user, is_current=make_current)
        weight_set.full_clean()
        if make_current:
            HarmWeightSet.objects.filter(is_current=True).update(is_current=False)
        weight_set.save()
        for weight in weights:
            weight.weight_set = weight_set
        HarmWeight.objects.bulk_create(weights)
        return weight_set

    return csv_import(text=text, columns=HARM_WEIGHT_COLUMNS, row_check=row_check, save=save,
                      file_check=lambda rows: [] if rows else ["The file has no rows under the column names"],
                      name="Harm weight import")


def harm_weights_for_check(weight_set: HarmWeightSet) -> dict[str, Decimal]:
    """Days of harm per offence code, as a check applies them.

    An offence set's own weight first; otherwise the weight of the offence's
    crime subgroup (from the offence catalogue), in the same set if it is a
    subgroup set, or in the shipped subgroup set as the fallback.
    """
    own = dict(weight_set.weights.values_list("key", "days"))
    subgroup_set = weight_set if weight_set.kind == HarmWeightSet.Kind.SUBGROUP else _default_subgroup_set()
    by_subgroup = dict(subgroup_set.weights.values_list("key", "days")) if subgroup_set else {}
    weights = {code.upper(): by_subgroup[subgroup] for code, subgroup in Offence.objects.values_list("code", "crime_subgroup")
               if subgroup in by_subgroup}
    if weight_set.kind == HarmWeightSet.Kind.OFFENCE:
        weights.update(own)
    return weights


def _default_subgroup_set() -> HarmWeightSet | None:
    return HarmWeightSet.objects.filter(kind=HarmWeightSet.Kind.SUBGROUP).order_by("-created_at", "-id").first()


# --- Reoffending checks ---------------------------------------------------------------------------


def reoffending_check_as_of_check(*, as_of: date) -> None:
    """A check is as at a day the records can describe: not after today, and not before the scheme's first case
    (the earliest submission or first contact): a check as at 1 January 2030 would count offences not yet known
    as absent, and one before the first case would check nobody."""
    today = timezone.localdate()
    if as_of > today:
        raise ValidationError({"as_of": f"The check cannot be as at a date in the future: enter today, {today:%-d %B %Y}, "
                                        "or an earlier date"})
    first = selectors.scheme_first_case_on()
    if first is not None and as_of < first:
        raise ValidationError({"as_of": f"The check cannot be as at a date before the scheme's first case on {first:%-d %B %Y}"})


def reoffending_check_request(*, definition_id: int, as_of: date, user) -> None:
    """An administrator asks for a check now: the date is checked here, at once, and the check runs in the background.

    Nothing is written here, so the task is sent straight away (there is no transaction to wait for).
    """
    from evaluation.tasks import reoffending_checks_run_task

    reoffending_check_as_of_check(as_of=as_of)
    reoffending_checks_run_task.delay(as_of.isoformat(), definition_id, user.pk)


def reoffending_check_run(*, definition_id: int, as_of: date, user=None, request_key: str = "") -> ReoffendingCheckRun:
    """Compute every closed case's result under a definition as at a date. No report changes until it is published.

    One transaction, holding the definition's row lock (as publishing does), so that runs and publications of one
    definition are taken in turn. The definition's finished runs not yet published are set aside (their results
    removed): only the published run and this one keep results. Set-based (evaluation/checks.py).

    `request_key` names the request (the task's id): asked again, after a lost worker, it returns the run it made
    rather than a second one. A worker killed before the commit leaves nothing behind: no run is ever seen running.
    """
    reoffending_check_as_of_check(as_of=as_of)
    weight_set = HarmWeightSet.objects.filter(is_current=True).first() or _default_subgroup_set()
    if weight_set is None:
        raise DomainError("There is no crime harm weight set: import one before running a check.")
    with transaction.atomic():
        definition = ReoffendingDefinition.objects.select_for_update().get(pk=definition_id)
        done = ReoffendingCheckRun.objects.filter(request_key=request_key).first() if request_key else None
        if done is not None:
            return done
        run = ReoffendingCheckRun.objects.create(definition=definition, as_of=as_of, weight_set=weight_set, requested_by=user,
                                                 request_key=request_key)
        checked, reoffended = checks.results_replace(run=run, weights=harm_weights_for_check(weight_set))
        now = timezone.now()
        run.finish(at=now, cases_checked=checked, cases_reoffended=reoffended)
        run.save()
        waiting = ReoffendingCheckRun.objects.select_for_update().filter(
            definition=definition, status=ReoffendingCheckRun.Status.FINISHED).exclude(pk=run.pk)
        for earlier in waiting:
            earlier.supersede(by_run=run, at=now)
            earlier.save(update_fields=["status", "superseded_by", "superseded_at"])
    return run


def reoffending_checks_run_all(*, as_of: date, user=None, request_key: str = "") -> list[ReoffendingCheckRun]:
    """Match records loaded before their person was on the scheme, then run every active definition.

    What the monthly job and the command do. With a `request_key`, asked again it makes only the runs not yet made.
    """
    reoffending_check_as_of_check(as_of=as_of)
    crime_records_match()
    return [reoffending_check_run(definition_id=pk, as_of=as_of, user=user,
                                  request_key=f"{request_key}:{pk}" if request_key else "")
            for pk in ReoffendingDefinition.objects.filter(is_active=True).values_list("pk", flat=True)]


@transaction.atomic
def reoffending_check_run_publish(*, run_id: int, user) -> ReoffendingCheckRun:
    """An administrator publishes a finished run: the cohort report, the dashboard and their downloads read it from now on.

    The run published before is superseded (kept for the record, its results removed). Locks the definition's row
    first, as a check does, so that a run finishing meanwhile or a second administrator publishing at the same time
    waits its turn and then finds the state it must refuse (already published, set aside). One published run per
    definition is also a partial unique constraint.
    """
    definition_id = ReoffendingCheckRun.objects.values_list("definition_id", flat=True).get(pk=run_id)
    ReoffendingDefinition.objects.select_for_update().get(pk=definition_id)
    run = ReoffendingCheckRun.objects.select_for_update().get(pk=run_id)
    now = timezone.now()
    run.publish(by=user, at=now)
    previous = ReoffendingCheckRun.objects.select_for_update().filter(
        definition_id=definition_id, status=ReoffendingCheckRun.Status.PUBLISHED).exclude(pk=run.pk).first()
    if previous is not None:
        previous.supersede(by_run=run, at=now)
        previous.save(update_fields=["status", "superseded_by", "superseded_at"])
        ReoffendingResult.objects.filter(run=previous).delete()
        ReportChart.objects.filter(run=previous).delete()
        ReportJob.objects.filter(run=previous).delete()  # a job still running finds its run superseded and stops
    run.full_clean()
    run.save(update_fields=["status", "published_by", "published_at"])
    # Draw the report's charts now, in the background, so that the first reader does not wait for them.
    from evaluation.tasks import report_charts_draw_task

    transaction.on_commit(lambda: report_charts_draw_task.delay(run.pk))
    return run


def report_chart_get_or_draw(*, run_id: int, key: str, draw) -> bytes:
    """A published run's chart (or the figures behind its report, as JSON) from its store, drawn (by `draw`) and kept
    the first time it is asked for.

    Two readers asking at once both draw it; the second's insert meets the unique key and is dropped (same figures,
    same chart).
    """
    kept = ReportChart.objects.filter(run_id=run_id, key=key).values_list("svg", flat=True).first()
    if kept is not None:
        return bytes(kept)
    svg = draw()
    try:
        with transaction.atomic():
            ReportChart.objects.create(run_id=run_id, key=key, svg=svg)
    except IntegrityError:
        pass
    return svg


def report_charts_draw(*, run_id: int) -> int:
    """Draw what a published run's readers open without choosing a filter, for each follow-up period: the cohort
    report's figures and charts, the same with each breakdown (its figures and chart), and the time-to-reoffence
    page's figures and chart. Each is kept with the run under the key its page asks for, so that no reader waits.

    The groups' figures are computed once per follow-up and shared by every breakdown (a breakdown adds its counts,
    one query each). Safe to repeat: what is already kept is left as it is. Returns the number of charts drawn now.
    """
    from dataclasses import replace

    from evaluation import charts, survival, tables

    run = ReoffendingCheckRun.objects.select_related("definition").filter(pk=run_id).first()
    if run is None or run.status != ReoffendingCheckRun.Status.PUBLISHED:
        return 0
    kept = set(ReportChart.objects.filter(run_id=run.pk).values_list("key", flat=True))
    review_url = reverse("evaluation:match_list")
    drawn = 0

    def keep(key: str, draw) -> bool:
        if key in kept:
            return False
        report_chart_get_or_draw(run_id=run.pk, key=key, draw=draw)
        kept.add(key)
        return True

    for months in run.definition.follow_up_months:
        measure = f"{run.definition_id}-{months}"
        results = selectors.report_results(definition_id=run.definition_id, months=months)
        lazy: dict = {}

        def made(months=months, results=results):
            if not lazy:
                report = selectors.cohort_report(results=results, definition=run.definition, months=months)
                trend = selectors.quarterly_trend(cases=selectors.trend_cases(), results=results, last=run.as_of)
                lazy.update(report=report, trend=trend, tables=tables.report_tables(report, trend, selectors.SURVIVAL_DAYS),
                            definition=tables.definition_lines(report, [], review_url=review_url))
            return lazy

        keep(charts.chart_key("figures", measure, [], ""), lambda: selectors.report_figures_dump(made()["report"], made()["trend"]))
        for chart in charts.CHARTS:
            if chart != "breakdown":
                drawn += keep(charts.chart_key(chart, measure, [], ""), lambda chart=chart: charts.draw(
                    chart, made()["report"], made()["tables"], made()["definition"]))
        for breakdown in selectors.BREAKDOWN_LABELS:
            by: dict = {}

            def broken(breakdown=breakdown, by=by, results=results):
                if not by:
                    report = replace(made()["report"], breakdown=selectors.breakdown_figures(
                        breakdown, selectors.breakdown_rows(results, breakdown)))
                    by.update(report=report, tables=tables.report_tables(report, made()["trend"], selectors.SURVIVAL_DAYS))
                return by

            keep(charts.chart_key("figures", measure, [], breakdown),
                 lambda broken=broken: selectors.report_figures_dump(broken()["report"], made()["trend"]))
            drawn += keep(charts.chart_key("breakdown", measure, [], breakdown), lambda broken=broken: charts.draw(
                "breakdown", broken()["report"], broken()["tables"], made()["definition"]))
        # The time-to-reoffence page (Kaplan-Meier, log-rank, Cox), as TimeToReoffenceMixin asks for it.
        timed: dict = {}

        def time_figures(months=months, results=results, timed=timed):
            if not timed:
                raw = report_chart_get_or_draw(run_id=run.pk, key=charts.chart_key("time-to-reoffence-figures", measure, [], ""),
                                               draw=lambda: selectors.time_to_reoffence_figures(results=results, months=months).dump())
                timed["figures"] = survival.TimeToReoffence.load(raw)
            return timed["figures"]

        figures_key = charts.chart_key("time-to-reoffence-figures", measure, [], "")
        if figures_key not in kept:
            time_figures()
            kept.add(figures_key)

        def time_chart(months=months, time_figures=time_figures):
            figures = time_figures()
            report = selectors.CohortReport(run=made()["report"].run, definition=run.definition, months=months, groups=[],
                                            comparisons=[], waiting_matches=made()["report"].waiting_matches,
                                            not_yet_at_follow_up=figures.not_yet_at_follow_up)
            return survival.survival_chart(figures, tables.definition_lines(report, [], review_url=review_url))

        drawn += keep(charts.chart_key("time-to-reoffence", measure, [], ""), time_chart)
    if report_in_background(run) and dashboard_key("all") not in kept:
        dashboard_figures_draw(run_id=run.pk, scope="all")  # the dashboard's team figures, as an administrator sees them
    return drawn


# --- Reports prepared in the background (issue 18, point 6) ----------------------------------------------------

class FiguresBeingPrepared(Exception):
    """The figures asked for are not kept with the run and the run is too large to compute them in the request: a job
    computes them in the background (`job`); the page says so and refreshes itself."""

    def __init__(self, job: ReportJob):
        super().__init__(f"Report job {job.pk} is {job.status}")
        self.job = job


REPORT_JOB_SWEPT = "The computer preparing it stopped before it finished."
REPORT_JOB_FAILED = "Something went wrong while preparing it."


def report_in_background(run: ReoffendingCheckRun) -> bool:
    """Whether figures not yet kept with this run are computed in the background rather than in the request: when the
    run checked more cases than settings.EVALUATION_REPORT_BACKGROUND_ABOVE (a small force sees no change)."""
    from django.conf import settings

    # The run's count, not the filtered scope's: counting that would scan the run's results (0.14-0.37 s at 1,000,000).
    return run.cases_checked > settings.EVALUATION_REPORT_BACKGROUND_ABOVE


def report_figures_get(*, run: ReoffendingCheckRun, key: str, kind: str, filters: dict, draw) -> bytes:
    """A published run's figures under `key`: kept ones as they are; otherwise drawn now (`draw`) for a small run, or,
    for a large one, asked of a background job (one per run and key) and FiguresBeingPrepared raised."""
    kept = ReportChart.objects.filter(run_id=run.pk, key=key).values_list("svg", flat=True).first()
    if kept is not None:
        return bytes(kept)
    if not report_in_background(run):
        return report_chart_get_or_draw(run_id=run.pk, key=key, draw=draw)
    raise FiguresBeingPrepared(report_job_request(run=run, key=key, kind=kind, filters=filters))


def report_job_request(*, run: ReoffendingCheckRun, key: str, kind: str, filters: dict,
                       again_if_failed: bool = False) -> ReportJob:
    """The job computing these figures: the one there is (waiting, running or failed: a failure waits for the reader's
    "Try again", unless `again_if_failed`), or a new one sent to a worker. Two requests at once make one job (unique
    on run and key); a job whose figures have gone since it finished (or are drawn again) is sent again."""
    with transaction.atomic():
        job, created = ReportJob.objects.get_or_create(
            run=run, key=key, defaults={"kind": kind, "filters": filters, "cases_in_scope": run.cases_checked})
        if not created:
            job = ReportJob.objects.select_for_update().get(pk=job.pk)
            if job.status in ReportJob.UNFINISHED or (job.status == ReportJob.Status.FAILED and not again_if_failed):
                return job
            job.status, job.error, job.requested_at, job.started_at, job.finished_at = (
                ReportJob.Status.WAITING, "", timezone.now(), None, None)
            job.save(update_fields=["status", "error", "requested_at", "started_at", "finished_at"])
        _report_job_send(job.pk)
    return job


def _report_job_send(job_id: int) -> None:
    from evaluation.tasks import report_job_run_task

    transaction.on_commit(lambda: report_job_run_task.delay(job_id))


@transaction.atomic
def report_job_retry(*, job_id: int) -> ReportJob:
    """The reader's "Try again" after a failure: the job waits for a worker again. Refused unless it failed."""
    job = ReportJob.objects.select_for_update().get(pk=job_id)
    if job.status != ReportJob.Status.FAILED:
        raise DomainError("These figures are already being prepared or are ready: nothing was changed.")
    job.status, job.error, job.requested_at, job.started_at, job.finished_at = (
        ReportJob.Status.WAITING, "", timezone.now(), None, None)
    job.save(update_fields=["status", "error", "requested_at", "started_at", "finished_at"])
    _report_job_send(job.pk)
    return job


def report_job_fail(*, job_id: int, error: str = REPORT_JOB_FAILED) -> None:
    """The job could not finish (its own error, or its tries used up): the reader sees why, and "Try again"."""
    ReportJob.objects.filter(pk=job_id, status__in=ReportJob.UNFINISHED).update(
        status=ReportJob.Status.FAILED, error=error[:300], finished_at=timezone.now())


def report_job_run(*, job_id: int) -> str:
    """Compute and keep a job's figures (and their charts) with its run. Returns the job's status at the end.

    Safe to repeat: what is kept already is not computed again, and a finished job is left as it is. A living runner
    holds the job's lock (oocr/jobs.py), so a redelivered message never computes it twice at once (JobBusy: retried).
    A run superseded meanwhile has lost its jobs with its charts; the figures it would compute are read by no one.
    """
    import time

    job = ReportJob.objects.select_related("run__definition").filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.status not in ReportJob.UNFINISHED:
        return job.status
    with jobs.job_lock(jobs.REPORT_JOB, job.pk):
        if job.run.status != ReoffendingCheckRun.Status.PUBLISHED:
            report_job_fail(job_id=job.pk, error="A newer check was published meanwhile: open the report again.")
            return ReportJob.Status.FAILED
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, started_at=timezone.now())
        started = time.perf_counter()
        {ReportJob.Kind.REPORT: _report_job_report, ReportJob.Kind.TIME_TO_REOFFENCE: _report_job_time,
         ReportJob.Kind.DASHBOARD: _report_job_dashboard}[job.kind](job)
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            status=ReportJob.Status.READY, finished_at=timezone.now(), seconds=round(time.perf_counter() - started, 2))
    return ReportJob.Status.READY


class _AnyReader:
    """The reader a job computes for: the filters it keeps were checked against the asker's role in the request."""

    is_authenticated = True

    def has_perm(self, permission: str) -> bool:
        return True


def report_filter_for(kind: str, data: dict):
    """The report's (or the time-to-reoffence page's) filter over the published run's results, for the filters kept
    with a job (`report_filter_data`)."""
    from types import SimpleNamespace

    from evaluation.filters import CohortReportFilter, TimeToReoffenceFilter

    definition_id, months = (int(part) for part in data["measure"].split("-"))
    cls = TimeToReoffenceFilter if kind == ReportJob.Kind.TIME_TO_REOFFENCE else CohortReportFilter
    return cls(dict(data), queryset=selectors.report_results(definition_id=definition_id, months=months),
               request=SimpleNamespace(user=_AnyReader()))


def report_filter_data(report_filter) -> dict:
    """The valid filters only, as the form received them: what a job needs to compute the same figures for anyone
    (a value refused for the asker, such as a keyworker breakdown for a reader who may not see it, is left out)."""
    form = report_filter.form
    form.is_valid()
    valid = getattr(form, "cleaned_data", {})
    return {name: form.data[name] for name in form.fields if name in valid and valid[name] not in (None, "")
            and name in form.data}


def report_figures_compute(*, run: ReoffendingCheckRun, definition, months: int, report_filter, breakdown: str) -> bytes:
    """The cohort report's figures and quarterly trend for these filters, as kept with the run (JSON)."""
    report = selectors.cohort_report(results=report_filter.qs, definition=definition, months=months, breakdown=breakdown)
    data = getattr(report_filter.form, "cleaned_data", {})
    cases = selectors.trend_cases().filter(report_filter.case_conditions())
    trend = selectors.quarterly_trend(cases=cases, results=report_filter.qs, first=data.get("start_from"),
                                      last=min(filter(None, [data.get("start_to"), run.as_of])))
    return selectors.report_figures_dump(report, trend)


def _report_job_report(job: ReportJob) -> None:
    """The cohort report's figures for the job's filters, then each of its charts, kept with the run."""
    from evaluation import charts, tables

    run, definition = job.run, job.run.definition
    report_filter = report_filter_for(job.kind, job.filters)
    months = int(job.filters["measure"].split("-")[1])
    report_filter.form.is_valid()  # the job's filters are the valid ones: cleaned_data holds each
    breakdown = report_filter.form.cleaned_data.get("breakdown") or ""
    raw = report_chart_get_or_draw(run_id=run.pk, key=job.key, draw=lambda: report_figures_compute(
        run=run, definition=definition, months=months, report_filter=report_filter, breakdown=breakdown))
    report, trend = selectors.report_figures_load(raw, run=run, definition=definition)
    filters = report_filter.described()
    made = tables.report_tables(report, trend, selectors.SURVIVAL_DAYS)
    lines = tables.definition_lines(report, filters, review_url=reverse("evaluation:match_list"))
    for chart in charts.CHARTS:
        if chart == "breakdown" and not breakdown:
            continue
        report_chart_get_or_draw(run_id=run.pk, key=charts.chart_key(chart, job.filters["measure"], filters, breakdown),
                                 draw=lambda chart=chart: charts.draw(chart, report, made, lines))


def _report_job_time(job: ReportJob) -> None:
    """The time-to-reoffence figures (Kaplan-Meier, log-rank, Cox) for the job's filters, then their chart."""
    from evaluation import charts, survival, tables

    run, definition = job.run, job.run.definition
    report_filter = report_filter_for(job.kind, job.filters)
    months = int(job.filters["measure"].split("-")[1])
    raw = report_chart_get_or_draw(run_id=run.pk, key=job.key, draw=lambda: selectors.time_to_reoffence_figures(
        results=report_filter.qs, months=months).dump())
    figures = survival.TimeToReoffence.load(raw)
    report = selectors.CohortReport(run=run, definition=definition, months=months, groups=[], comparisons=[],
                                    waiting_matches=selectors.person_matches_waiting().count(),
                                    not_yet_at_follow_up=figures.not_yet_at_follow_up)
    filters = report_filter.described()
    lines = tables.definition_lines(report, filters, review_url=reverse("evaluation:match_list"))
    report_chart_get_or_draw(run_id=run.pk, key=charts.chart_key("time-to-reoffence", job.filters["measure"], filters, ""),
                             draw=lambda: survival.survival_chart(figures, lines))


def dashboard_key(scope: str) -> str:
    return f"dashboard:{scope}"


def _report_job_dashboard(job: ReportJob) -> None:
    """The outcomes dashboard's team figures for the job's scope, as at now, kept with the run (replacing older ones)."""
    dashboard_figures_draw(run_id=job.run_id, scope=job.filters["scope"])


def dashboard_figures_draw(*, run_id: int, scope: str) -> bytes:
    """Compute the dashboard's team figures for a scope (selectors.dashboard_scope) and keep them with the run, in
    place of the ones kept before (the day they are for and when they were drawn go with them)."""
    now = timezone.now()
    today = timezone.localdate(now)
    raw = selectors.dashboard_dump(selectors.outcomes_dashboard(scope=scope, today=today), drawn_at=now, today=today)
    with transaction.atomic():
        updated = ReportChart.objects.filter(run_id=run_id, key=dashboard_key(scope)).update(svg=raw, drawn_at=now)
        if not updated:
            try:
                with transaction.atomic():
                    ReportChart.objects.create(run_id=run_id, key=dashboard_key(scope), svg=raw)
            except IntegrityError:  # another worker kept them at the same moment: same figures
                pass
    return raw


def dashboard_figures(*, run: ReoffendingCheckRun | None, scope: str):
    """The dashboard's team figures for a scope: (dashboard, when they were drawn, None when drawn now).

    Computed in the request without a published run or for a small one. For a large run, those kept with it: drawn
    again in the background when they are for an earlier local day or older than EVALUATION_DASHBOARD_REFRESH_SECONDS
    (the kept ones shown meanwhile, with when they were drawn); FiguresBeingPrepared when none are kept yet.
    """
    from datetime import timedelta

    from django.conf import settings

    if run is None or not report_in_background(run):
        return selectors.outcomes_dashboard(scope=scope), None
    key = dashboard_key(scope)
    kept = ReportChart.objects.filter(run_id=run.pk, key=key).values_list("svg", flat=True).first()
    if kept is None:
        raise FiguresBeingPrepared(report_job_request(run=run, key=key, kind=ReportJob.Kind.DASHBOARD,
                                                      filters={"scope": scope}))
    dashboard, drawn_at, today = selectors.dashboard_load(kept)
    now = timezone.now()
    if today != timezone.localdate(now) or drawn_at < now - timedelta(seconds=settings.EVALUATION_DASHBOARD_REFRESH_SECONDS):
        report_job_request(run=run, key=key, kind=ReportJob.Kind.DASHBOARD, filters={"scope": scope}, again_if_failed=True)
        if today != timezone.localdate(now):  # yesterday's "last 12 months" is not today's: not shown
            raise FiguresBeingPrepared(ReportJob.objects.get(run=run, key=key))
    return dashboard, drawn_at


def report_jobs_sweep(*, now=None) -> list[int]:
    """Fail the jobs nobody runs any more: waiting or running for longer than JOB_STALE_AFTER_SECONDS (long enough
    for a killed worker's message to come back and be tried again) with no living runner. The reader sees "Try again".
    Returns the ids failed; running it twice fails nothing twice."""
    now = now or timezone.now()
    stale = list(ReportJob.objects.filter(status__in=ReportJob.UNFINISHED, requested_at__lt=jobs.stale_before(now))
                 .values_list("pk", flat=True))
    alive = jobs.job_runners(jobs.REPORT_JOB, stale)
    failed = [pk for pk in stale if pk not in alive]
    ReportJob.objects.filter(pk__in=failed, status__in=ReportJob.UNFINISHED).update(
        status=ReportJob.Status.FAILED, error=REPORT_JOB_SWEPT, finished_at=now)
    return failed


# --- Ending surveys ------------------------------------------------------------------------------------


@transaction.atomic
def survey_response_record(*, case_id: int, user, instrument_id: int, timing: str, scores: dict[str, int | None],
                           comments: str = "") -> SurveyResponse:
    """Store a questionnaire item by item with the instrument's version, and any comments in the respondent's words.
    One per case, instrument and timing."""
    case = Case.objects.select_for_update().get(pk=case_id)
    instrument = SurveyInstrument.objects.get(pk=instrument_id)
    if SurveyResponse.objects.filter(case=case, instrument=instrument, timing=timing).exists():
        raise DomainError(f"{instrument.name} was already recorded for case {case.number} ({dict(SurveyResponse.Timing.choices)[timing].lower()}).")
    codes = [item["code"] for item in instrument.items]
    bad = [code for code, score in scores.items() if code not in codes or (score is not None and not 1 <= score <= 5)]
    if bad:
        raise ValidationError(f"Answers must be 1 to 5 for the questionnaire's own items (not {', '.join(bad)})")
    if all(scores.get(code) is None for code in codes):
        raise ValidationError("Answer at least one question, or do not record the questionnaire")
    response = SurveyResponse(case=case, instrument=instrument, timing=timing, recorded_by=user, comments=comments.strip())
    response.full_clean()
    response.save()
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, item_code=code, score=scores.get(code)) for code in codes])
    return response


@transaction.atomic
def survey_response_correct(*, case_id: int, user, response_id: int, scores: dict[str, int | None],
                            comments: str | None = None, read_version=ANY_VERSION) -> SurveyResponse:
    """Correct a questionnaire's answers (and its comments, unless `comments` is None) over the version read, until it
    is locked (`SurveyResponse.locked_because`).

    Each changed item is on the case's timeline (before and after), with who and when; changed comments are noted
    there without their words (the timeline is read more widely than the survey report).
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    response = SurveyResponse.objects.select_for_update().select_related("instrument", "case").get(pk=response_id, case=case)
    locked = response.locked_because()
    if locked:
        raise DomainError(f"{response.instrument.name} ({response.get_timing_display().lower()}) can no longer be changed. "
                          f"{locked} Nothing was changed.")
    version_bump(response, read_version=read_version, user=user)
    codes = [item["code"] for item in response.instrument.items]
    bad = [code for code, score in scores.items() if code not in codes or (score is not None and not 1 <= score <= 5)]
    if bad:
        raise ValidationError(f"Answers must be 1 to 5 for the questionnaire's own items (not {', '.join(bad)})")
    if all(scores.get(code) is None for code in codes):
        raise ValidationError("Answer at least one question, or leave the answers as they were")
    answers = {answer.item_code: answer for answer in response.answers.select_for_update()}
    changed = []
    for code in codes:
        answer = answers.get(code) or SurveyAnswer(response=response, item_code=code)
        if answer.pk is None or answer.score != scores.get(code):
            changed.append(f"{code} {answer.score or 'not answered'} to {scores.get(code) or 'not answered'}")
            answer.score = scores.get(code)
            answer.save()
    fields = ["version"]
    if comments is not None and comments.strip() != response.comments:
        response.comments = comments.strip()
        fields.append("comments")
        changed.append("comments changed")
    if not changed:
        raise ValidationError("Nothing was changed: change an answer, or go back")
    response.save(update_fields=fields)
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.CORRECTED,
                             text=f"{response.instrument.name} ({response.get_timing_display().lower()}) answers corrected: "
                                  + "; ".join(changed))
    return response


def case_survey_comments_erase(*, case_id: int) -> int:
    """Retention: remove the comments (free text) of the case's questionnaires; the scores stay for the evaluation.
    Returns how many were erased."""

    return records_erase(SurveyResponse.objects.filter(case_id=case_id).exclude(comments=""), comments="")
