"""audit 0001-0004 squashed: 4 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The schema operations are optimized together, and the data functions run after them, once each, in
their order: every table of this app is created here, so the functions meet empty tables and the latest
columns. Back-fills of rows that existed before a change (nothing to fill in a new database) are left out.
"""

import django.db.models.deletion
import django.utils.timezone
import importlib
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


# The replaced migrations' data operations, in their order: (module, index of the operation).
DATA = [
    ('oocr.audit.migrations.0002_append_only', 0),
    ('oocr.audit.migrations.0003_hash_chain_and_app_role', 6),
    ('oocr.audit.migrations.0003_hash_chain_and_app_role', 7),
    ('oocr.audit.migrations.0003_hash_chain_and_app_role', 8),
    ('oocr.audit.migrations.0003_hash_chain_and_app_role', 9),
]


def data_forwards(apps, schema_editor):
    for module, index in DATA:
        _replaced(module, index).code(apps, schema_editor)


def data_backwards(apps, schema_editor):
    for module, index in reversed(DATA):
        if (operation := _replaced(module, index)).reverse_code is not None:
            operation.reverse_code(apps, schema_editor)


class Migration(migrations.Migration):
    replaces = [
        ('audit', '0001_initial'),
        ('audit', '0002_append_only'),
        ('audit', '0003_hash_chain_and_app_role'),
        ('audit', '0004_access_log_change_kind')
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('django_celery_beat', '0019_alter_periodictasks_options')
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                ('kind', models.CharField(choices=[('view', 'Viewed'), ('export', 'Exported'), ('disclosure', 'Disclosed'), ('change', 'Changed')], default='view', max_length=20)),
                ('object_id', models.PositiveBigIntegerField()),
                ('person_id', models.PositiveBigIntegerField(blank=True, db_index=True, null=True)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('justification', models.TextField(blank=True)),
                ('recipient', models.CharField(blank=True, max_length=255)),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('sequence', models.PositiveBigIntegerField(editable=False, unique=True)),
                ('previous_hash', models.CharField(editable=False, max_length=64)),
                ('entry_hash', models.CharField(editable=False, max_length=64)),
            ],
            options={
                'verbose_name': 'access log entry',
                'verbose_name_plural': 'access log',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['content_type', 'object_id'], name='audit_acces_content_754263_idx')],
            },
        ),
        migrations.RunPython(data_forwards, data_backwards),
    ]
