"""Contracts of cases closed before this change, brought in line with the lifecycle: an agreed contract ends on the
day its case closed (not at start + 16 weeks, which hid reoffending after an early breach from the "contract end"
follow-up), one that never started is cancelled, and the conditions the person had not finished are withdrawn."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate

CLOSED = ("completed", "breached", "withdrawn", "declined", "ineligible")


def end_contracts_of_closed_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Contract = apps.get_model("contracts", "Contract")
    Condition = apps.get_model("contracts", "Condition")
    closed = Contract.objects.filter(case__status__in=CLOSED, case__closed_at__isnull=False)
    closed.filter(status__in=("draft", "awaiting_approval")).update(status="cancelled", end_date=None)
    closed_on = Case.objects.filter(pk=OuterRef("case_id")).values(
        day=TruncDate("closed_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))[:1]
    closed.filter(status__in=("active", "ended"), start_date__isnull=False).update(status="ended", end_date=Subquery(closed_on))
    Condition.objects.filter(contract__status__in=("ended", "cancelled"), status__in=("not_started", "in_progress")).exclude(
        kind="standard").update(status="withdrawn")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_first_contact_and_closure"),
        ("contracts", "0011_contract_cancelled_and_variation_hours"),
    ]

    operations = [migrations.RunPython(end_contracts_of_closed_cases, migrations.RunPython.noop)]
