"""keyworkers 0006-0007 squashed: 2 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The data functions run where they did, between the same operations.
"""

import importlib
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


class Migration(migrations.Migration):
    replaces = [
        ('keyworkers', '0006_specialisms_list'),
        ('keyworkers', '0007_keyworker_work_phone')
    ]

    dependencies = [
        ('keyworkers', '0005_edited_records_carry_a_version'),
        ('accounts', '0011_kept_form_input')
    ]

    operations = [
        migrations.CreateModel(
            name='Specialism',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('matches', models.CharField(blank=True, choices=[('', 'Nothing known at allocation: shown to the supervisor'), ('womens_offer', "The women's offer"), ('young_adult_offer', 'The young adult offer (18 to 25)'), ('domestic_abuse', 'A domestic-abuse crime')], max_length=20, verbose_name='Recommended for cases with')),
                ('is_active', models.BooleanField(default=True, help_text='Retire a specialism instead of deleting it.', verbose_name='In use')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='specialisms',
            field=models.ManyToManyField(blank=True, related_name='staff', to='keyworkers.specialism'),
        ),
        migrations.RunPython(_replaced('keyworkers.migrations.0006_specialisms_list', 2).code, _replaced('keyworkers.migrations.0006_specialisms_list', 2).reverse_code),
        migrations.RemoveField(
            model_name='historicalstaffprofile',
            name='specialism_women',
        ),
        migrations.RemoveField(
            model_name='historicalstaffprofile',
            name='specialism_young_adults',
        ),
        migrations.RemoveField(
            model_name='staffprofile',
            name='specialism_women',
        ),
        migrations.RemoveField(
            model_name='staffprofile',
            name='specialism_young_adults',
        ),
        migrations.RunPython(_replaced('keyworkers.migrations.0006_specialisms_list', 7).code, _replaced('keyworkers.migrations.0006_specialisms_list', 7).reverse_code),
        migrations.AddField(
            model_name='historicalstaffprofile',
            name='work_phone',
            field=models.CharField(blank=True, max_length=20, verbose_name='Work phone'),
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='work_phone',
            field=models.CharField(blank=True, max_length=20, verbose_name='Work phone'),
        ),
    ]
