"""Importing an uploaded CSV file, every row or none: the rows (`csv_records`), and the whole import (`csv_import`).

Used by the imports of offences (cases), partners (referrals) and harm weights (evaluation). The crime record
extract, a million rows checked and loaded in the background, has its own (evaluation.services).
"""

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


def csv_records(text: str, *, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every row under the column names, each value stripped.

    Refuses, with the line it is on, a header that is not `columns` and a line the csv module
    cannot read (a cell over its limit of 131,072 characters, which would otherwise be a server error).
    """
    reader = csv.DictReader(io.StringIO(text))
    line = 0  # the header is line 1
    try:
        header = reader.fieldnames
        line = 1
        if header is None or [name.strip() for name in header] != columns:
            raise ValidationError(f"The first line must be the column names: {','.join(columns)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            rows.append((line, {key.strip(): (value or "").strip() for key, value in row.items() if key}))
    except csv.Error as error:
        at = line + 1
        if "field larger than field limit" in str(error):
            raise ValidationError(
                f"Line {at}: a cell must be {csv.field_size_limit():,} characters or fewer. Nothing was imported"
            ) from error
        raise ValidationError(f"Line {at}: the line could not be read as CSV ({error}). Nothing was imported") from error
    return rows


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row cannot be imported: the column, and the message for the person importing.

    The message may quote the cell, so only the column and the line go to the logs.
    """

    column: str
    message: str


def csv_import(
    *,
    text: str,
    columns: list[str],
    row_check: Callable[[int, dict[str, str]], tuple[T | None, list[Problem]]],
    save: Callable[[list[T]], R],
    file_check: Callable[[list[tuple[int, dict[str, str]]]], list[str]] | None = None,
    name: str = "CSV import",
) -> R:
    """Check every row of `text`, then save all of them or none: the three imports of reference data.

    `file_check(rows)` first, for problems of the file as a whole (a value repeated on several lines, no rows);
    then `row_check(line, row)` for each row in order, giving the item to save (None to leave the row out) or
    its problems. Any problem: ValidationError with one message per bad line ("Line 3: ...", in line order),
    then the file's, and nothing is saved. Otherwise `save(items)` runs in one transaction (a ValidationError
    it raises undoes whatever it wrote) and its result is returned.
    """
    rows = csv_records(text, columns=columns)
    file_errors = file_check(rows) if file_check else []
    items, errors, bad = [], [], []
    for line, row in rows:
        item, problems = row_check(line, row)
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problem.message for problem in problems))
            bad.append(f"{line} ({', '.join(dict.fromkeys(problem.column for problem in problems if problem.column))})")
        elif item is not None:
            items.append(item)
    errors += file_errors
    if errors:
        # Line numbers and column names only: the messages may quote the file, which may hold personal data.
        logger.info("%s refused: %d bad line(s) of %d%s; %d problem(s) with the file as a whole", name, len(bad),
                    len(rows), f": {', '.join(bad[:50])}" if bad else "", len(file_errors))
        raise ValidationError(errors)
    with transaction.atomic():
        result = save(items)
    logger.info("%s saved: %d row(s)", name, len(rows))
    return result
