"""Load the starting partner directory (referrals/data/partners.csv); team managers maintain it afterwards.

The organisations are illustrative of a force area's partners: their addresses use
example.org and their phone numbers Ofcom's range for drama, so nothing is sent to
a real organisation until the team puts in its own.
"""

import csv
from pathlib import Path

from django.db import migrations

DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "partners.csv"


def load_partners(apps, schema_editor):
    Partner = apps.get_model("referrals", "Partner")
    NeedDomain = apps.get_model("contracts", "NeedDomain")
    domains = {domain.code: domain for domain in NeedDomain.objects.all()}
    with DIRECTORY.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            partner, created = Partner.objects.get_or_create(name=row["name"], defaults={
                "kind": row["type"], "services": row["services"], "areas": row["areas"], "sex": row["who_they_take"],
                "min_age": int(row["min_age"]) if row["min_age"] else None,
                "max_age": int(row["max_age"]) if row["max_age"] else None,
                "eligibility_notes": row["eligibility_notes"], "phone": row["phone"], "email": row["email"],
                "referral_email": row["referral_email"], "route": row["route"],
                "acknowledge_days": int(row["acknowledge_days"]), "appointment_days": int(row["appointment_days"]),
                "is_active": row["active"] == "yes",
            })
            if created:
                partner.need_domains.set([domains[code] for code in row["needs"].split(";") if code in domains])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("contracts", "0002_default_need_domains")]

    operations = [migrations.RunPython(load_partners, migrations.RunPython.noop)]
