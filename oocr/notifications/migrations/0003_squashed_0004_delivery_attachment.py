"""notifications 0003-0004 squashed: 2 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The data functions run where they did, between the same operations.
"""

import django.db.models.deletion
import importlib
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


class Migration(migrations.Migration):
    replaces = [
        ('notifications', '0003_notification_case'),
        ('notifications', '0004_delivery_attachment')
    ]

    dependencies = [
        ('cases', '0021_document_events'),
        ('notifications', '0002_deliveries_and_reminders')
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.case'),
        ),
        migrations.AddField(
            model_name='delivery',
            name='attachment',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='delivery',
            name='attachment_filename',
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
