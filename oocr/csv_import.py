"""Reading an uploaded CSV file for an import of every row or none: the rows, or one message per problem by line."""

import csv
import io

from django.core.exceptions import ValidationError


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
