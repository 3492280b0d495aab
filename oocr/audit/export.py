"""The access log's daily copy outside the database: a day's entries and the chain's head, in a file written once.

`access-log-YYYY-MM-DD.jsonl` in ACCESS_LOG_EXPORT_DIR: one JSON line per entry of that day (London time), in
chain order, with its hashes; then one closing line with the day, the number of entries and the chain's head
(the newest entry when the file was written: its number and hash). The file is opened with O_EXCL (never
overwritten), written in one go, flushed to disk and made read-only. Running the job again for a day whose file
is there writes nothing. A file cut short (a worker killed while writing) is kept as it is, and the day is
written again to `access-log-YYYY-MM-DD.2.jsonl`.

Someone able to change the database could also rewrite the whole chain consistently: these copies, kept where
the application's host cannot change them (README), are what shows it, with `verify_access_log --exports`.
"""

import json
import logging
import os
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from oocr.audit.chain import VERIFIED_FIELDS, _canonical_value, entries_in_order
from oocr.audit.models import AccessLog
from oocr.working_days import day_bounds

logger = logging.getLogger(__name__)
FORMAT = 1


def export_paths(directory: Path, day: date) -> list[Path]:
    """The files written for `day`, first one first."""
    first = directory / f"access-log-{day:%Y-%m-%d}.jsonl"
    return [first, *sorted(directory.glob(f"access-log-{day:%Y-%m-%d}.*.jsonl"), key=lambda p: int(p.suffixes[0][1:]))]


def export_complete(path: Path) -> bool:
    """A file whose last line is its closing line (written in full)."""
    try:
        with path.open("rb") as file:
            file.seek(max(path.stat().st_size - 4096, 0))
            last = file.read().splitlines()[-1:]
        return bool(last) and "chain_head" in json.loads(last[0])
    except (OSError, ValueError):
        return False


def _entry_line(entry: dict) -> str:
    return json.dumps({field: _canonical_value(entry[field]) for field in VERIFIED_FIELDS}, ensure_ascii=False,
                      separators=(",", ":"))


def access_log_export_day(*, day: date, directory: Path | None = None) -> Path | None:
    """Write `day`'s file unless a complete one is there. Returns the file written, or None."""
    directory = Path(directory or settings.ACCESS_LOG_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    paths = export_paths(directory, day)
    existing = [path for path in paths if path.exists()]
    if any(export_complete(path) for path in existing):
        return None
    path = directory / f"access-log-{day:%Y-%m-%d}.{len(existing) + 1}.jsonl" if existing else paths[0]
    start, end = day_bounds(day)
    entries = AccessLog.objects.filter(at__gte=start, at__lt=end).values(*VERIFIED_FIELDS)
    lines = [_entry_line(entry) for entry in entries_in_order(entries)]
    head = AccessLog.objects.order_by("-sequence").values("sequence", "entry_hash").first()
    lines.append(json.dumps({
        "format": FORMAT, "day": f"{day:%Y-%m-%d}", "entries": len(lines),
        "chain_head": {"sequence": head["sequence"], "entry_hash": head["entry_hash"]} if head else None,
        "written_at": timezone.now().isoformat(),
    }, separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)  # never an existing file
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.chmod(path, 0o440)
    logger.info("Access log copy written: %s, %d entries", path.name, len(lines) - 1)
    return path


def access_log_export(*, today: date | None = None, directory: Path | None = None) -> list[Path]:
    """Every finished day of the last ACCESS_LOG_EXPORT_CATCH_UP_DAYS without its file, oldest first (the daily job)."""
    today = today or timezone.localdate()
    first = AccessLog.objects.order_by("sequence").values_list("at", flat=True).first()
    if first is None:
        return []
    first_day = timezone.localtime(first).date()
    days = [today - timedelta(days=back) for back in range(settings.ACCESS_LOG_EXPORT_CATCH_UP_DAYS, 0, -1)]
    written = [access_log_export_day(day=day, directory=directory) for day in days if day >= first_day]
    return [path for path in written if path]
