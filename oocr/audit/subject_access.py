"""Subject access (DPA 2018 s45): everything held about one person, as JSON and a readable HTML page in a zip,
with the files held on their cases (documents/ in the zip)."""

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from typing import IO

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from oocr.personal_data import Section, subject_sections

# Fields never sent: internal keys, staff accounts, search keys and where a file is stored.
SKIPPED_FIELDS = {"name_key", "draft_answers", "calendar_token", "history_user", "version", "storage_name"}
FILES_FOLDER = "documents"


def record_dict(record: models.Model) -> dict:
    """A record's own fields by their labels; relations to staff shown as their role in the record, not their account."""
    data = {}
    for field in record._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name == "id":
            continue
        if field.is_relation:
            if field.related_model.__name__ in ("User", "ContentType"):
                continue
            value = getattr(record, field.attname)
        elif field.choices:
            value = getattr(record, f"get_{field.name}_display")()
        else:
            value = getattr(record, field.attname)
        data[capfirst(str(field.verbose_name))] = value  # not capitalize(): "SHA-256 checksum", "PNC ID" keep their capitals
    return data


def _section_records(section: Section, files: dict[str, Callable[[], IO[bytes]]] | None) -> list[dict]:
    """A section's records as dicts; with `files`, each record's file is added to it and the record names it."""
    records = []
    for record in section.records:
        data = record_dict(record)
        if files is not None and section.file_of is not None:
            file = section.file_of(record)
            data["File in this archive"] = f"{FILES_FOLDER}/{file[0]}" if file else "No longer held"
            if file:
                files[f"{FILES_FOLDER}/{file[0]}"] = file[1]
        records.append(data)
    return records


def subject_access_data(*, person, files: dict[str, Callable[[], IO[bytes]]] | None = None) -> dict:
    """Everything held about `person`, grouped by what it is: each app's personal-data hook gives its sections.

    Pass a dict as `files` to collect the files held (a case's documents): their names in the zip -> their openers.
    """
    return {"sections": [{"title": section.title, "records": _section_records(section, files)}
                         for section in subject_sections(person=person)]}


def subject_access_archive(*, person, reference: str, by) -> bytes:
    """The zip sent to the person: subject-access.json, subject-access.html and the files held, in documents/."""
    files: dict[str, Callable[[], IO[bytes]]] = {}
    data = {"reference": reference, "produced_at": timezone.now(), "person_record_number": person.pk,
            **subject_access_data(person=person, files=files)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr("subject-access.html", render_to_string("audit/subject_access_export.html", data))
        for name, opener in files.items():
            with opener() as source, archive.open(name, "w") as target:
                shutil.copyfileobj(source, target)
    return buffer.getvalue()
