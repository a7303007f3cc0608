from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction; concurrently, so that logging sets
    # goes on while the index is built.
    atomic = False

    dependencies = [
        ("workout_sessions", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workoutsession",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("status", "abandoned")),
                fields=["user", "-created_at"],
                name="workout_session_user_abandoned",
            ),
        ),
    ]
