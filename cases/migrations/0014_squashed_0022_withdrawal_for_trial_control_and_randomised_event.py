"""cases 0014-0022 squashed: 9 migrations in one, for a quicker `migrate` of a new database.

Existing databases that applied the replaced migrations (all of them) record this one as applied; a database
part-way through them finishes with them. The data functions are the replaced migrations' own, imported from
them (they stay until every database has applied this one).

The data functions run where they did, between the same operations.
"""

import django.db.models.deletion
import importlib
from django.conf import settings
from django.db import migrations
from django.db import models


def _replaced(module: str, index: int) -> migrations.RunPython:
    """The replaced migration's own RunPython operation."""
    return importlib.import_module(module).Migration.operations[index]


class Migration(migrations.Migration):
    replaces = [
        ('cases', '0014_person_pnc_id_merge_duplicates'),
        ('cases', '0015_person_pnc_id_unique'),
        ('cases', '0016_edited_records_carry_a_version'),
        ('cases', '0017_case_answers_carry_a_version'),
        ('cases', '0018_sending_work_back'),
        ('cases', '0019_first_contact_versioned'),
        ('cases', '0020_person_name_trigram_index'),
        ('cases', '0021_document_events'),
        ('cases', '0022_withdrawal_for_trial_control_and_randomised_event')
    ]

    dependencies = [
        ('cases', '0013_person_reminders_by'),
        ('evaluation', '0003_result_without_database_constraints'),
        ('notifications', '0002_deliveries_and_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL)
    ]

    operations = [
        migrations.RunPython(_replaced('cases.migrations.0014_person_pnc_id_merge_duplicates', 0).code, _replaced('cases.migrations.0014_person_pnc_id_merge_duplicates', 0).reverse_code),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Draft started'), ('eligibility', 'Eligibility checked'), ('submitted', 'Submitted to the OoCR team'), ('overridden', 'Submitted by override'), ('ineligible', 'Closed as ineligible'), ('allocated', 'Allocated to a keyworker'), ('reallocated', 'Reallocated'), ('first_contact', 'First contact: scheme offered'), ('accepted', 'Agreed to take part'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment recorded'), ('safeguarding', 'Safeguarding'), ('action', 'Keyworker action'), ('contract', 'Contract agreed'), ('contract_approved', 'Contract approved'), ('condition', 'Condition progress'), ('contact', 'Contact'), ('non_compliance', 'Non-compliance'), ('closure_proposed', 'Closure proposed'), ('closure_refused', 'Closure refused'), ('completed', 'Completed'), ('breached', 'Breached'), ('variation_proposed', 'Variation proposed'), ('variation_decided', 'Variation decided'), ('victim_contact', 'Victim contact'), ('referral', 'Referral'), ('withdrawn', 'Withdrawn'), ('person_merged', 'Person records merged')], max_length=30),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(condition=models.Q(('pnc_id', ''), _negated=True), fields=('pnc_id',), name='person_pnc_id_unique', violation_error_message='Another person on record has this PNC ID'),
        ),
        migrations.AddField(
            model_name='crime',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalcrime',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalvictim',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='victim',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
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
        migrations.AlterField(
            model_name='case',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('submitted_in_error', 'Submitted in error'), ('duplicate', 'A duplicate of another submission'), ('other', 'Other')], max_length=30),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Draft started'), ('eligibility', 'Eligibility checked'), ('submitted', 'Submitted to the OoCR team'), ('overridden', 'Submitted by override'), ('ineligible', 'Closed as ineligible'), ('allocated', 'Allocated to a keyworker'), ('reallocated', 'Reallocated'), ('first_contact', 'First contact: scheme offered'), ('accepted', 'Agreed to take part'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment recorded'), ('safeguarding', 'Safeguarding'), ('action', 'Keyworker action'), ('contract', 'Contract agreed'), ('contract_approved', 'Contract approved'), ('condition', 'Condition progress'), ('contact', 'Contact'), ('non_compliance', 'Non-compliance'), ('closure_proposed', 'Closure proposed'), ('closure_refused', 'Closure refused'), ('completed', 'Completed'), ('breached', 'Breached'), ('variation_proposed', 'Variation proposed'), ('variation_decided', 'Variation decided'), ('victim_contact', 'Victim contact'), ('referral', 'Referral'), ('withdrawn', 'Withdrawn'), ('person_merged', 'Person records merged'), ('corrected', 'Record corrected'), ('returned', 'Returned to the officer'), ('override_refused', 'Override refused'), ('resubmitted', 'Submitted again after a return'), ('contract_refused', 'Contract refused'), ('contract_returned', 'Contract returned for changes')], max_length=30),
        ),
        migrations.AlterField(
            model_name='eligibilityassessment',
            name='decision',
            field=models.CharField(choices=[('submitted', 'Submitted to the OoCR team'), ('closed_ineligible', 'Closed as ineligible'), ('overridden', 'Submitted by override'), ('rechecked', 'Checked again after a correction')], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalcase',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('submitted_in_error', 'Submitted in error'), ('duplicate', 'A duplicate of another submission'), ('other', 'Other')], max_length=30),
        ),
        migrations.CreateModel(
            name='SubmissionReturn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('returned', 'Returned to the officer to correct'), ('override_refused', 'Override refused: closed as ineligible')], max_length=20)),
                ('reasons', models.TextField()),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('resubmitted_at', models.DateTimeField(blank=True, null=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='returns', to='cases.case')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='firstcontact',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalfirstcontact',
            name='version',
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.RunPython(_replaced('cases.migrations.0020_person_name_trigram_index', 0).code, _replaced('cases.migrations.0020_person_name_trigram_index', 0).reverse_code),
        migrations.AlterField(
            model_name='case',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('submitted_in_error', 'Submitted in error'), ('duplicate', 'A duplicate of another submission'), ('other', 'Other'), ('trial_control', "Randomised to a trial's usual-process arm")], max_length=30),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Draft started'), ('eligibility', 'Eligibility checked'), ('submitted', 'Submitted to the OoCR team'), ('overridden', 'Submitted by override'), ('ineligible', 'Closed as ineligible'), ('allocated', 'Allocated to a keyworker'), ('reallocated', 'Reallocated'), ('first_contact', 'First contact: scheme offered'), ('accepted', 'Agreed to take part'), ('declined', 'Declined: opted for court'), ('assessment', 'Needs assessment recorded'), ('safeguarding', 'Safeguarding'), ('action', 'Keyworker action'), ('contract', 'Contract agreed'), ('contract_approved', 'Contract approved'), ('condition', 'Condition progress'), ('contact', 'Contact'), ('non_compliance', 'Non-compliance'), ('closure_proposed', 'Closure proposed'), ('closure_refused', 'Closure refused'), ('completed', 'Completed'), ('breached', 'Breached'), ('variation_proposed', 'Variation proposed'), ('variation_decided', 'Variation decided'), ('victim_contact', 'Victim contact'), ('referral', 'Referral'), ('withdrawn', 'Withdrawn'), ('person_merged', 'Person records merged'), ('corrected', 'Record corrected'), ('returned', 'Returned to the officer'), ('override_refused', 'Override refused'), ('resubmitted', 'Submitted again after a return'), ('contract_refused', 'Contract refused'), ('contract_returned', 'Contract returned for changes'), ('document', 'Document'), ('randomised', 'Randomised in a trial')], max_length=30),
        ),
        migrations.AlterField(
            model_name='historicalcase',
            name='withdrawal_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved out of the force area'), ('died', 'Died'), ('new_evidence', 'New evidence: no longer suitable'), ('no_further_action', 'Officer in the case took no further action'), ('submitted_in_error', 'Submitted in error'), ('duplicate', 'A duplicate of another submission'), ('other', 'Other'), ('trial_control', "Randomised to a trial's usual-process arm")], max_length=30),
        ),
    ]
