"""The default need domains of domain.md section 6; administrators can change the list."""

from django.db import migrations

DOMAINS = [
    ("accommodation", "Accommodation"),
    ("education_employment", "Education, training and employment"),
    ("finance", "Finance, benefits and debt"),
    ("physical_health", "Physical health"),
    ("mental_health", "Mental health and wellbeing"),
    ("drugs", "Drugs"),
    ("alcohol", "Alcohol"),
    ("children_families", "Children and families"),
    ("relationships", "Relationships (including domestic abuse as a victim)"),
    ("attitudes", "Attitudes, thinking and behaviour"),
    ("lifestyle", "Lifestyle and associates"),
    ("neurodiversity", "Neurodiversity"),
]


def create_domains(apps, schema_editor):
    NeedDomain = apps.get_model("contracts", "NeedDomain")
    for position, (code, name) in enumerate(DOMAINS, start=1):
        NeedDomain.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
