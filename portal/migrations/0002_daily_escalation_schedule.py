"""Escalate overdue portal referrals at 07:00 London time (administrators can change it)."""

from django.db import migrations

from oocr.celery import beat_schedule_ensure

TASK = "portal.escalate_overdue"
NAME = "Partner portal: escalate overdue referrals"


def schedule(apps, schema_editor):
    beat_schedule_ensure(apps, name=NAME, task=TASK, hour="7")


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_partner_portal"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
