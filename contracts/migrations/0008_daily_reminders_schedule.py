"""Schedule the reminders job every morning at 06:00 (django-celery-beat; administrators can change it in the admin)."""

from django.db import migrations

from oocr.celery import beat_schedule_ensure

TASK = "contracts.send_reminders"
NAME = "Daily reminders"


def schedule(apps, schema_editor):
    beat_schedule_ensure(apps, name=NAME, task=TASK, hour="6")


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0007_contract_end_date"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
