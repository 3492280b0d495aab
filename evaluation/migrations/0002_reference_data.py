"""The shipped reference data: the default crime harm weights, the reoffending definitions, the survey
instruments, and the monthly reoffending check on the beat schedule."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

from oocr.celery import beat_schedule_ensure

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "harm_weights_prc_subgroups.csv"
WEIGHTS_SOURCE = (
    "Median Cambridge Crime Harm Index (2026 update) days per Home Office police-recorded crime subgroup, "
    "derived and published in isthisben/cbl-realcrime (data/cchi_weights.csv); shipped as evaluation/data/"
    "harm_weights_prc_subgroups.csv. A fallback: import the official per-offence index when you have it."
)

DEFINITIONS = [
    {"name": "Proven reoffending (Ministry of Justice measure)", "follow_up_months": [12, 24], "start_point": "decision_date",
     "event_types": ["caution", "conviction"], "waiting_months": 6, "is_active": True},
    {"name": "Any recorded offence (arrest, suspect, charge or outcome)", "follow_up_months": [12], "start_point": "contract_end",
     "event_types": ["arrest", "named_suspect", "charge", "caution", "conviction", "community_resolution", "outcome_22"],
     "waiting_months": None, "is_active": False},
]

AGREE = "1 strongly disagree to 5 strongly agree"
INSTRUMENTS = [
    {"code": "person_legitimacy", "version": 1, "respondent": "person",
     "name": "Person: police legitimacy and procedural fairness", "items": [
         {"code": "voice", "text": "The police gave me the chance to tell my side of the story."},
         {"code": "respect", "text": "The police treated me with respect."},
         {"code": "fair_decisions", "text": "The police made fair and impartial decisions in my case."},
         {"code": "explained", "text": "The police explained their decisions and what would happen next."},
         {"code": "trust", "text": "I trust the police in my area."},
         {"code": "duty_to_accept", "text": "I should accept the decisions of the police, even when I disagree with them."},
         {"code": "shared_values", "text": "The police stand up for values that are important to me."},
     ]},
    {"code": "victim_satisfaction", "version": 1, "respondent": "victim",
     "name": "Victim: satisfaction and being kept informed", "items": [
         {"code": "overall", "text": "Overall, I am satisfied with how the police dealt with the crime."},
         {"code": "outcome", "text": "I am satisfied with the outcome: the contract the person agreed."},
         {"code": "listened", "text": "My views were listened to."},
         {"code": "kept_informed", "text": "I was kept informed about what was happening."},
         {"code": "explained", "text": "The police explained what an out of court resolution means."},
     ]},
]


def create_reference_data(apps, schema_editor):
    HarmWeightSet = apps.get_model("evaluation", "HarmWeightSet")
    HarmWeight = apps.get_model("evaluation", "HarmWeight")
    weight_set, created = HarmWeightSet.objects.get_or_create(
        name="Crime harm by crime subgroup (CCHI medians)", version="2026.1",
        defaults={"kind": "subgroup", "source": WEIGHTS_SOURCE, "is_current": True},
    )
    if created:
        with WEIGHTS_FILE.open(encoding="utf-8") as lines:
            rows = csv.DictReader(line for line in lines if not line.startswith("#"))
            HarmWeight.objects.bulk_create(
                HarmWeight(weight_set=weight_set, key=row["prc_subgroup"], days=Decimal(row["cchi_days"])) for row in rows
            )
    ReoffendingDefinition = apps.get_model("evaluation", "ReoffendingDefinition")
    for definition in DEFINITIONS:
        ReoffendingDefinition.objects.get_or_create(name=definition["name"], defaults=definition)
    SurveyInstrument = apps.get_model("evaluation", "SurveyInstrument")
    for instrument in INSTRUMENTS:
        SurveyInstrument.objects.get_or_create(code=instrument["code"], version=instrument["version"], defaults=instrument)


def schedule_monthly_check(apps, schema_editor):
    beat_schedule_ensure(
        apps, name="Reoffending checks (monthly)", task="evaluation.reoffending_checks_run", hour="3", day_of_month="1",
        description="Every active reoffending definition, for the cases that have reached a follow-up point.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_crime_records_checks_surveys"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_reference_data, migrations.RunPython.noop),
        migrations.RunPython(schedule_monthly_check, migrations.RunPython.noop),
    ]
