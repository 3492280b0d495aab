"""Create the five roles with their rights, so every fresh database has them."""

from django.db import migrations

from oocr.accounts.roles import roles_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(roles_migrate, migrations.RunPython.noop)]
