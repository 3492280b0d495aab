"""A person is one record: PNC IDs in one spelling, and the people who shared one merged into one.

Before the PNC ID becomes unique (0015), every PNC ID is rewritten in one spelling
(2026/0001234A, whether typed 26/1234a or 2026/0001234A), then each group of
people sharing a PNC ID is merged into one: the record with the most cases (the
oldest of those on a tie) is kept; every case, crime record, possible match,
reminder and delivery of the others moves to it; what the others knew fills the
kept record where it is blank; then the others are removed. Each merge is
printed (record ids only) and written on the timeline of each case of the kept
person, where the team and administrators read it. The access log is
append-only and keeps the old person ids: the timeline entry names them.
"""

import re
from datetime import date

from django.db import migrations
from django.db.models import Count

PNC_ID_SHAPE = re.compile(r"^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])$")
# The address is taken whole from one record, never line by line from several.
ADDRESS_FIELDS = ["address_line_1", "address_line_2", "town", "postcode"]
CONTACT_FIELDS = ["phone", "email", "reminders_by"]
IDENTITY_FIELDS = {"name_key": "name", "date_of_birth": "date of birth", "sex": "sex"}
NOT_STATED = "NS"


def pnc_id_normalise(value: str, *, today: date) -> str:
    """A copy of cases.models.pnc_id_normalise as it was when this migration was written."""
    text = re.sub(r"\s+", "", value or "").upper()
    match = PNC_ID_SHAPE.match(text)
    if not match:
        return text
    year, serial, check = match.groups()
    if len(year) == 2:
        year = str(2000 + int(year) if 2000 + int(year) <= today.year else 1900 + int(year))
    return f"{year}/{int(serial):07d}{check}"


def pnc_ids_normalise(apps) -> int:
    Person = apps.get_model("cases", "Person")
    today, changed = date.today(), []
    for person in Person.objects.exclude(pnc_id="").only("id", "pnc_id").iterator(chunk_size=2000):
        normal = pnc_id_normalise(person.pnc_id, today=today)
        if normal != person.pnc_id:
            person.pnc_id = normal
            changed.append(person)
    Person.objects.bulk_update(changed, ["pnc_id"], batch_size=1000)
    return len(changed)


def fill_blanks(kept, others) -> list[str]:
    """Fill the kept record's blanks from the others, newest first; the fields filled, in words."""
    filled = []
    if not any(getattr(kept, field) for field in ADDRESS_FIELDS):
        source = next((other for other in others if any(getattr(other, field) for field in ADDRESS_FIELDS)), None)
        if source is not None:
            for field in ADDRESS_FIELDS:
                setattr(kept, field, getattr(source, field))
            filled.append("address")
    for field in CONTACT_FIELDS:
        value = next((getattr(other, field) for other in others if getattr(other, field)), "")
        if not getattr(kept, field) and value:
            setattr(kept, field, value)
            filled.append(field.replace("_", " ").replace("reminders by", "reminders"))
    if kept.ethnicity == NOT_STATED:
        value = next((other.ethnicity for other in others if other.ethnicity != NOT_STATED), NOT_STATED)
        if value != NOT_STATED:
            kept.ethnicity = value
            filled.append("ethnicity")
    return filled


def merge_group(apps, pnc_id: str) -> str:
    """Merge the people sharing one PNC ID; return a line naming record ids only."""
    Person = apps.get_model("cases", "Person")
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CrimeRecord = apps.get_model("evaluation", "CrimeRecord")
    PersonMatch = apps.get_model("evaluation", "PersonMatch")
    Reminder = apps.get_model("notifications", "Reminder")
    Delivery = apps.get_model("notifications", "Delivery")

    people = list(Person.objects.filter(pnc_id=pnc_id).annotate(case_count=Count("cases")).order_by("-case_count", "created_at", "id"))
    kept, others = people[0], sorted(people[1:], key=lambda person: (person.created_at, person.id), reverse=True)
    other_ids = sorted(other.id for other in others)
    differed = [words for field, words in IDENTITY_FIELDS.items() if any(getattr(o, field) != getattr(kept, field) for o in others)]
    filled = fill_blanks(kept, others)
    kept.save()

    moved = Case.objects.filter(person_id__in=other_ids).update(person_id=kept.id)
    CrimeRecord.objects.filter(person_id__in=other_ids).update(person_id=kept.id)
    # One possible match per crime record and person: a match the kept record already has wins.
    already = PersonMatch.objects.filter(person_id=kept.id).values("crime_record_id")
    PersonMatch.objects.filter(person_id__in=other_ids, crime_record_id__in=already).delete()
    for match in PersonMatch.objects.filter(person_id__in=other_ids).order_by("id"):
        if PersonMatch.objects.filter(person_id=kept.id, crime_record_id=match.crime_record_id).exists():
            match.delete()
        else:
            match.person_id = kept.id
            match.save(update_fields=["person"])
    Reminder.objects.filter(person_id__in=other_ids).update(person_id=kept.id)
    Delivery.objects.filter(person_id__in=other_ids).update(person_id=kept.id)
    Person.objects.filter(id__in=other_ids).delete()

    merged = ", ".join(str(i) for i in other_ids)
    text = (
        f"Person records {merged} had the same PNC ID as person record {kept.id} and were merged into it: "
        f"{moved} case{'s' if moved != 1 else ''} moved to it."
        + (f" Filled in from the merged records: {', '.join(filled)}." if filled else "")
        + (f" The records differed in {', '.join(differed)}: check the person's details." if differed else "")
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, kind="person_merged", by=None, text=text)
        for case_id in Case.objects.filter(person_id=kept.id).values_list("id", flat=True)
    )
    return (f"  Person {kept.id} kept; merged {merged}; {moved} case(s) moved"
            + (f"; differed in {', '.join(differed)}" if differed else ""))


def merge_duplicate_people(apps, schema_editor) -> None:
    Person = apps.get_model("cases", "Person")
    rewritten = pnc_ids_normalise(apps)
    shared = list(
        Person.objects.exclude(pnc_id="").values("pnc_id").annotate(people=Count("id")).filter(people__gt=1)
        .order_by("pnc_id").values_list("pnc_id", flat=True)
    )
    lines = [merge_group(apps, pnc_id) for pnc_id in shared]
    if rewritten or lines:
        print(f"\n  PNC IDs rewritten in one spelling: {rewritten}. People sharing a PNC ID: {len(lines)} group(s) merged.")
        for line in lines:
            print(line)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0013_person_reminders_by"),
        # The merge moves these apps' rows from the merged people to the kept one.
        ("evaluation", "0003_result_without_database_constraints"),
        ("notifications", "0002_deliveries_and_reminders"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_people, migrations.RunPython.noop, elidable=False),
    ]
