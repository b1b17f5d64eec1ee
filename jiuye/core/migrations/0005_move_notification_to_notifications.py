# Notification now lives in jiuye.notifications (which took over and renamed the table);
# core only forgets it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_accessevent_api_action"),
        ("notifications", "0001_move_notification_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
