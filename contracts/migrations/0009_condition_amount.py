"""A condition to pay compensation holds its amount in pounds; the library's compensation template asks for it."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


# The library template whose words refer to "the amount below" (0004_condition_library).
COMPENSATION_TEMPLATE = "Compensation to the victim"


def compensation_needs_amount(apps, schema_editor):
    ConditionTemplate = apps.get_model("contracts", "ConditionTemplate")
    ConditionTemplate.objects.filter(title=COMPENSATION_TEMPLATE).update(needs_amount=True)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_person_reminders_by'),
        ('contracts', '0008_daily_reminders_schedule'),
    ]

    operations = [
        migrations.AddField(
            model_name='condition',
            name='amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='Amount of compensation, in pounds'),
        ),
        migrations.AddField(
            model_name='conditiontemplate',
            name='needs_amount',
            field=models.BooleanField(default=False, help_text='Compensation: the keyworker enters the amount in pounds.'),
        ),
        migrations.AddField(
            model_name='historicalcondition',
            name='amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='Amount of compensation, in pounds'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('amount__isnull', True), models.Q(('amount__gt', 0), ('amount__lte', Decimal('5000'))), _connector='OR'), name='compensation_amount_positive_and_capped'),
        ),
        migrations.RunPython(compensation_needs_amount, migrations.RunPython.noop),
    ]
