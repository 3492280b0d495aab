"""Subject access (DPA 2018 s45): everything held about one person, as JSON and a readable HTML page in a zip."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from oocr.personal_data import subject_sections

# Fields never sent: internal keys, staff accounts and search keys.
SKIPPED_FIELDS = {"name_key", "draft_answers", "calendar_token", "history_user", "version"}


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
        data[str(field.verbose_name).capitalize()] = value
    return data


def subject_access_data(*, person) -> dict:
    """Everything held about `person`, grouped by what it is: each app's personal-data hook gives its sections."""
    return {"sections": [{"title": section.title, "records": [record_dict(record) for record in section.records]}
                         for section in subject_sections(person=person)]}


def subject_access_archive(*, person, reference: str, by) -> bytes:
    """The zip sent to the person: subject-access.json and subject-access.html."""
    data = {"reference": reference, "produced_at": timezone.now(), "person_record_number": person.pk,
            **subject_access_data(person=person)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr("subject-access.html", render_to_string("audit/subject_access_export.html", data))
    return buffer.getvalue()
