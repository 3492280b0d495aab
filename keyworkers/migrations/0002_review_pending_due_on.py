from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("keyworkers", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="allocationreview",
            index=models.Index(
                condition=models.Q(reviewed_at__isnull=True), fields=["due_on"], name="review_pending_due_on"
            ),
        ),
    ]
