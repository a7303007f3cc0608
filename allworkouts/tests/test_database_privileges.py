"""The app role, which serves every request, can neither migrate nor escape row-level security.

allworkouts/users/tests/test_database_role.py covers the role's attributes, CREATE TABLE and
ALTER TABLE; these are the rest of what a migration does, and the other ways out of the policies.
"""

import pytest
from django.db import ProgrammingError, connection, connections, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from allworkouts.rls import as_user
from allworkouts.tests.database import fetch_value, refused
from plans.tests.factories import WorkoutPlanFactory

pytestmark = pytest.mark.django_db


def test_the_app_role_cannot_apply_a_migration():
    executor = MigrationExecutor(connection)
    migration = migrations.Migration("9999_intruder", "catalog")
    migration.dependencies = executor.loader.graph.leaf_nodes("catalog")
    migration.operations = [
        migrations.AddField("exercise", "intruder", models.TextField(default="")),
    ]

    with refused(ProgrammingError, "must be owner of table exercise"):
        executor.apply_migration(executor.loader.project_state(), migration)

    assert ("catalog", "9999_intruder") not in MigrationRecorder(connection).applied_migrations()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', 'x', now())",
        "UPDATE django_migrations SET name = name",
        "DELETE FROM django_migrations",
    ],
    ids=["insert", "update", "delete"],
)
def test_the_app_role_cannot_rewrite_the_migration_history(statement):
    with refused(ProgrammingError, "permission denied for table django_migrations"):
        fetch_value(f"{statement} RETURNING 1")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("CREATE TYPE intruder_enum AS ENUM ('x')", "permission denied for schema public"),
        ("ALTER TYPE muscle_group_enum ADD VALUE 'wings'", "must be owner of type"),
        ("CREATE INDEX intruder ON exercise (name)", "must be owner of table exercise"),
        ("ALTER TABLE workout_plan NO FORCE ROW LEVEL SECURITY", "must be owner of table"),
        ("DROP POLICY workout_plan_owner ON workout_plan", "must be owner of relation"),
        (
            "CREATE POLICY intruder ON workout_plan USING (true)",
            "must be owner of table workout_plan",
        ),
        ("ALTER ROLE CURRENT_USER BYPASSRLS", "permission denied|must be superuser"),
    ],
    ids=[
        "create type",
        "alter type",
        "create index",
        "no force rls",
        "drop policy",
        "create policy",
        "bypassrls",
    ],
)
def test_the_app_role_cannot_run_a_migrations_ddl(statement, message):
    with refused(ProgrammingError, message), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_app_role_cannot_become_the_owner():
    owner = connections["owner"].settings_dict["USER"]

    with refused(ProgrammingError, f'permission denied to set role "{owner}"'):
        fetch_value("SELECT set_config('role', %s, true)", [owner])


def test_switching_row_level_security_off_fails_instead_of_showing_every_row(user, other_user):
    WorkoutPlanFactory(user=user)
    WorkoutPlanFactory(user=other_user)

    with (
        as_user(user),
        refused(ProgrammingError, "query would be affected by row-level security policy"),
    ):
        fetch_value("SELECT set_config('row_security', 'off', true)")
        fetch_value("SELECT count(*) FROM workout_plan")
