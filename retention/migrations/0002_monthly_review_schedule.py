"""List the closed cases due for a retention review at 05:00 on the first day of each month (administrators can change it)."""

from django.db import migrations

from oocr.celery import beat_schedule_ensure

TASK = "retention.list_reviews"
NAME = "Monthly retention reviews"


def schedule(apps, schema_editor):
    beat_schedule_ensure(apps, name=NAME, task=TASK, hour="5", day_of_month="1")


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
