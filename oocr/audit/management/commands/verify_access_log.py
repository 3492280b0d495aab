"""Check the access log's hash chain from its first entry to its head, and report the first broken link.

    python manage.py verify_access_log [--exports DIR]

Exits 0 with the number of entries checked when the chain holds; otherwise prints where it first breaks
(the entry's number and id, and whether it was changed, or entries were removed or inserted before it) and
exits 1. With --exports, every daily copy in DIR (oocr/audit/export.py) must still match the database:
each entry it holds is there with the same hash, and so is the chain head it recorded; this finds the newest
entries removed, or the chain rewritten, which the chain alone cannot show.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oocr.audit.chain import VERIFIED_FIELDS, chain_verify, entries_in_order
from oocr.audit.models import AccessLog


def exports_check(directory: Path) -> tuple[int, str | None]:
    """(files checked, the first problem or None)."""
    files = sorted(directory.glob("access-log-*.jsonl"))
    for number, path in enumerate(files):
        lines = path.read_text(encoding="utf-8").splitlines()
        try:
            closing = json.loads(lines[-1]) if lines else {}
        except ValueError:
            closing = {}
        if "chain_head" not in closing:
            continue  # a copy cut short while it was written; the day was written again to the next file
        recorded = {entry["sequence"]: entry["entry_hash"] for entry in map(json.loads, lines[:-1])}
        if closing["chain_head"]:
            recorded.setdefault(closing["chain_head"]["sequence"], closing["chain_head"]["entry_hash"])
        held = dict(AccessLog.objects.filter(sequence__in=recorded).values_list("sequence", "entry_hash"))
        for sequence in sorted(recorded):
            if sequence not in held:
                return number, f"{path.name}: entry {sequence} is in the copy but not in the database (removed)"
            if held[sequence] != recorded[sequence]:
                return number, f"{path.name}: entry {sequence} has another hash in the database (the chain was rewritten)"
    return len(files), None


class Command(BaseCommand):
    help = "Verify the access log's hash chain and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--exports", type=Path, help="also check the daily copies in this directory")

    def handle(self, *args, exports: Path | None, **options):
        checked, broken = chain_verify(entries_in_order(AccessLog.objects.values(*VERIFIED_FIELDS)))
        if broken:
            intact = "1 entry before it is" if checked == 1 else f"{checked} entries before it are"
            raise CommandError(f"{broken}. The {intact} intact.")
        self.stdout.write(f"The access log's chain holds: {checked} entries.")
        if exports:
            if not exports.is_dir():
                raise CommandError(f"{exports} is not a directory.")
            files, problem = exports_check(exports)
            if problem:
                raise CommandError(f"The daily copies do not match the database: {problem}.")
            self.stdout.write(f"The {files} daily copies in {exports} match the database.")
