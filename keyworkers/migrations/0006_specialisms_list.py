"""Specialisms become a list administrators keep (issue 17, point 3): the defaults are seeded, each keyworker's
women's and young adults' ticks become those specialisms, then the two columns go; administrators get the rights
to maintain the list in the reference-data admin."""

from django.db import migrations, models

from oocr.accounts.roles import roles_migrate

DEFAULTS = [
    ("Domestic abuse", "domestic_abuse"),
    ("Mental health", ""),
    ("Substance use", ""),
    ("Women", "womens_offer"),
    ("Young adults", "young_adult_offer"),
]


def seed_defaults(apps, schema_editor=None) -> dict:
    """The default specialisms, by what they match (or their name): safe to run again."""
    Specialism = apps.get_model("keyworkers", "Specialism")
    return {matches or name: Specialism.objects.get_or_create(name=name, defaults={"matches": matches})[0]
            for name, matches in DEFAULTS}


def seed_and_carry_over(apps, schema_editor):
    StaffProfile = apps.get_model("keyworkers", "StaffProfile")
    made = seed_defaults(apps)
    Through = StaffProfile.specialisms.through
    Through.objects.bulk_create(
        [Through(staffprofile_id=pk, specialism_id=made["womens_offer"].pk)
         for pk in StaffProfile.objects.filter(specialism_women=True).values_list("pk", flat=True)]
        + [Through(staffprofile_id=pk, specialism_id=made["young_adult_offer"].pk)
           for pk in StaffProfile.objects.filter(specialism_young_adults=True).values_list("pk", flat=True)]
    )


def carry_back(apps, schema_editor):
    StaffProfile = apps.get_model("keyworkers", "StaffProfile")
    StaffProfile.objects.filter(specialisms__matches="womens_offer").update(specialism_women=True)
    StaffProfile.objects.filter(specialisms__matches="young_adult_offer").update(specialism_young_adults=True)


class Migration(migrations.Migration):

    dependencies = [
        ("keyworkers", "0005_edited_records_carry_a_version"),
        ("accounts", "0011_kept_form_input"),
    ]

    operations = [
        migrations.CreateModel(
            name="Specialism",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
                ("matches", models.CharField(blank=True, choices=[("", "Nothing known at allocation: shown to the supervisor"), ("womens_offer", "The women's offer"), ("young_adult_offer", "The young adult offer (18 to 25)"), ("domestic_abuse", "A domestic-abuse crime")], max_length=20, verbose_name="Recommended for cases with")),
                ("is_active", models.BooleanField(default=True, help_text="Retire a specialism instead of deleting it.", verbose_name="In use")),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.AddField(
            model_name="staffprofile",
            name="specialisms",
            field=models.ManyToManyField(blank=True, related_name="staff", to="keyworkers.specialism"),
        ),
        migrations.RunPython(seed_and_carry_over, carry_back),
        migrations.RemoveField(model_name="historicalstaffprofile", name="specialism_women"),
        migrations.RemoveField(model_name="historicalstaffprofile", name="specialism_young_adults"),
        migrations.RemoveField(model_name="staffprofile", name="specialism_women"),
        migrations.RemoveField(model_name="staffprofile", name="specialism_young_adults"),
        migrations.RunPython(roles_migrate, migrations.RunPython.noop),
    ]
