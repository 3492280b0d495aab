"""Every CSV the service writes goes through one helper that a spreadsheet cannot run."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from oocr.csv_export import csv_safe, csv_writer


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_is_written_as_text(start):
    buffer = io.StringIO()
    csv_writer(buffer).writerow([f"{start}HYPERLINK(\"http://evil.example\")", "Covering letter"])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [f"'{start}HYPERLINK(\"http://evil.example\")", "Covering letter"]


def test_numbers_stay_numbers_even_when_negative():
    assert [csv_safe(value) for value in (-0.25, -3, Decimal("-1.5"), 0, None, True)] == [-0.25, -3, Decimal("-1.5"), 0, "", "True"]


def test_no_export_writes_with_the_bare_csv_writer():
    """A new export that used csv.writer directly would skip the neutralising: the code has none outside the helper."""
    offenders = []
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if any(part in {".venv", "node_modules", "tests", "migrations"} for part in path.parts):
            continue
        if path.name == "csv_export.py" or {"bench", "demo"} & set(path.parts):
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text()):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
