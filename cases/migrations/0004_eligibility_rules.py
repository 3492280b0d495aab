"""One row per eligibility rule, so administrators can switch optional rules and set parameters."""

from django.db import migrations

from cases.eligibility import RULES


def create_rules(apps, schema_editor):
    EligibilityRule = apps.get_model("cases", "EligibilityRule")
    for rule in RULES:
        EligibilityRule.objects.get_or_create(
            code=rule.code,
            defaults={
                "name": rule.name,
                "is_optional": rule.optional,
                "is_enabled": not rule.optional,
                "parameter": rule.default_parameter,
                "parameter_help": rule.parameter_help,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_trigram_extension")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
