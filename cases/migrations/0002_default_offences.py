"""Load the default offence catalogue (cases/data/offences.csv); administrators maintain it afterwards."""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "offences.csv"


def load_offences(apps, schema_editor):
    Offence = apps.get_model("cases", "Offence")
    with CATALOGUE.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            Offence.objects.get_or_create(code=row.pop("code"), defaults=row)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load_offences, migrations.RunPython.noop)]
