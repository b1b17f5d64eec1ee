"""The postings list's order (newest published first) as an index (issue 19)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_reference_data"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                fields=["-published_at", "-created_at"], name="posting_published_order"
            ),
        ),
    ]
