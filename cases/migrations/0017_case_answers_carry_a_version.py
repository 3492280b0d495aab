"""The eligibility answers of a draft are edited over the version the officer read (two tabs lose nothing)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_edited_records_carry_a_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
    ]
