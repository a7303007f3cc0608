"""Row-level security: every user-scoped table shows and accepts only the current user's rows."""

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, ProgrammingError, connection, models, transaction
from django.utils import timezone

from allworkouts.rls import USER_SETTING, as_user
from allworkouts.tests.database import fetch_rows, fetch_value, refused
from allworkouts.users.models import UserEquipment
from allworkouts.users.tests.factories import UserEquipmentFactory
from catalog.tests.factories import EquipmentFactory, ExerciseFactory
from plans.models import WorkoutExercise, WorkoutImportLog, WorkoutPlan
from plans.tests.factories import (
    WorkoutExerciseFactory,
    WorkoutImportLogFactory,
    WorkoutPlanFactory,
)
from records.models import PersonalRecord
from records.tests.factories import PersonalRecordFactory
from sessions.models import ExerciseSession, WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

USER_SCOPED_TABLES = {
    "user_equipment",
    "workout_plan",
    "workout_exercise",
    "workout_session",
    "exercise_session",
    "personal_record",
    "workout_import_log",
}
GLOBAL_TABLES = ["equipment", "exercise", "exercise_equipment", "user"]


@dataclass(frozen=True)
class ScopedTable:
    model: type[models.Model]
    # A row owned by the given user, not saved yet; the rows it refers to are saved.
    unsaved_row: Callable[..., models.Model]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def create(self, user) -> models.Model:
        row = self.unsaved_row(user)
        with as_user(user):
            row.save()
        return row

    def visible_pks(self) -> list[int]:
        # The base manager applies no filter of its own (not even the soft-delete one).
        return sorted(self.model._base_manager.values_list("pk", flat=True))

    def counted_by_sql(self) -> int:
        return fetch_value(f'SELECT count(*) FROM "{self.name}"')


SCOPED_TABLES = [
    ScopedTable(
        UserEquipment,
        lambda user: UserEquipmentFactory.build(user=user, equipment=EquipmentFactory()),
    ),
    ScopedTable(WorkoutPlan, lambda user: WorkoutPlanFactory.build(user=user)),
    ScopedTable(
        WorkoutExercise,
        lambda user: WorkoutExerciseFactory.build(
            workout_plan=WorkoutPlanFactory(user=user), exercise=ExerciseFactory()
        ),
    ),
    ScopedTable(
        WorkoutSession,
        lambda user: WorkoutSessionFactory.build(workout_plan=WorkoutPlanFactory(user=user)),
    ),
    ScopedTable(
        ExerciseSession,
        lambda user: ExerciseSessionFactory.build(
            workout_session=WorkoutSessionFactory(workout_plan__user=user),
            exercise=ExerciseFactory(),
        ),
    ),
    ScopedTable(
        PersonalRecord,
        lambda user: PersonalRecordFactory.build(
            exercise_session=ExerciseSessionFactory(workout_session__workout_plan__user=user)
        ),
    ),
    ScopedTable(
        WorkoutImportLog,
        lambda user: WorkoutImportLogFactory.build(
            user=user, workout_plan=WorkoutPlanFactory(user=user)
        ),
    ),
]
SCOPED_TABLE_NAMES = {table.name for table in SCOPED_TABLES}

each_scoped_table = pytest.mark.parametrize("table", SCOPED_TABLES, ids=lambda table: table.name)


def policy_violation(table: ScopedTable) -> str:
    return f'new row violates row-level security policy for table "{table.name}"'


def current_user_setting():
    return fetch_value("SELECT current_setting(%s, true)", [USER_SETTING])


@pytest.mark.django_db
@each_scoped_table
def test_a_user_sees_only_their_own_rows(table, user, other_user):
    mine = table.create(user)
    theirs = table.create(other_user)

    with as_user(user):
        assert table.visible_pks() == [mine.pk]
        assert table.counted_by_sql() == 1
    with as_user(other_user):
        assert table.visible_pks() == [theirs.pk]
        assert table.counted_by_sql() == 1


@pytest.mark.django_db
@each_scoped_table
def test_nobody_sees_any_row_when_no_user_is_set(table, user, other_user):
    table.create(user)
    table.create(other_user)

    with as_user(None):
        assert table.visible_pks() == []
        assert table.counted_by_sql() == 0
    # Outside any as_user, as code that forgot it would run.
    assert current_user_setting() in ("", None)
    assert table.visible_pks() == []
    assert table.counted_by_sql() == 0


@pytest.mark.django_db
@each_scoped_table
def test_a_row_for_another_user_cannot_be_inserted(table, user, other_user):
    theirs = table.unsaved_row(other_user)

    with as_user(user), refused(ProgrammingError, policy_violation(table)):
        theirs.save()

    with as_user(other_user):
        assert table.visible_pks() == []


@pytest.mark.django_db
@each_scoped_table
def test_a_row_cannot_be_handed_over_to_another_user(table, user, other_user):
    mine = table.create(user)

    with as_user(user), refused(ProgrammingError, policy_violation(table)):
        table.model._base_manager.filter(pk=mine.pk).update(user=other_user)

    with as_user(user):
        assert table.model._base_manager.get(pk=mine.pk).user_id == user.pk


@pytest.mark.django_db
@each_scoped_table
def test_another_users_rows_can_be_neither_updated_nor_deleted(table, user, other_user):
    theirs = table.create(other_user)

    with as_user(user):
        rows = table.model._base_manager.filter(pk=theirs.pk)
        assert rows.update(updated_at=timezone.now()) == 0
        assert rows.delete()[0] == 0

    with as_user(other_user):
        assert table.model._base_manager.get(pk=theirs.pk).updated_at == theirs.updated_at


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_never_set_a_user_sees_no_row(user, other_user):
    for table in SCOPED_TABLES:
        table.create(user)
        table.create(other_user)
    connection.close()

    assert current_user_setting() is None
    for table in SCOPED_TABLES:
        assert table.visible_pks() == [], table.name
        assert table.counted_by_sql() == 0, table.name
    with transaction.atomic():
        for table in SCOPED_TABLES:
            assert table.visible_pks() == [], table.name


@pytest.mark.django_db
def test_row_level_security_is_enabled_and_forced_on_exactly_the_user_scoped_tables():
    flags = {
        name: (enabled, forced)
        for name, enabled, forced in fetch_rows(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        )
    }

    assert {name for name, (enabled, _) in flags.items() if enabled} == USER_SCOPED_TABLES
    assert {name for name, (_, forced) in flags.items() if forced} == USER_SCOPED_TABLES
    # The tests above, parametrized over SCOPED_TABLES, then cover every one of them.
    assert SCOPED_TABLE_NAMES == USER_SCOPED_TABLES
    assert {name: flags[name] for name in GLOBAL_TABLES} == dict.fromkeys(
        GLOBAL_TABLES, (False, False)
    )


@pytest.mark.django_db
def test_each_policy_checks_the_rows_read_and_the_rows_written():
    policies = fetch_rows(
        "SELECT tablename, cmd, permissive, roles, qual, with_check FROM pg_policies"
        " WHERE schemaname = 'public'"
    )

    assert sorted(policy[0] for policy in policies) == sorted(USER_SCOPED_TABLES)
    for table, command, permissive, roles, using, with_check in policies:
        assert (command, permissive, roles) == ("ALL", "PERMISSIVE", ["public"]), table
        assert using == with_check, table
        assert using.startswith("(user_id = (NULLIF(current_setting('allworkouts.user_id'")


@pytest.mark.django_db
def test_a_nested_as_user_gives_the_outer_user_back_on_exit(user, other_user):
    mine = WorkoutPlanFactory(user=user)
    theirs = WorkoutPlanFactory(user=other_user)

    with as_user(user):
        with as_user(other_user):
            assert list(WorkoutPlan.objects.values_list("pk", flat=True)) == [theirs.pk]
        assert list(WorkoutPlan.objects.values_list("pk", flat=True)) == [mine.pk]
        with as_user(None):
            assert not WorkoutPlan.objects.exists()
        assert current_user_setting() == str(user.pk)
        assert list(WorkoutPlan.objects.values_list("pk", flat=True)) == [mine.pk]


@pytest.mark.django_db
def test_a_failed_nested_as_user_gives_the_outer_user_back(user, other_user):
    mine = WorkoutPlanFactory(user=user)

    with as_user(user):
        with pytest.raises(IntegrityError), as_user(other_user):
            WorkoutPlanFactory.build(user=other_user, name="").save()
        assert current_user_setting() == str(user.pk)
        assert list(WorkoutPlan.objects.values_list("pk", flat=True)) == [mine.pk]


@pytest.mark.django_db(transaction=True)
def test_the_user_setting_ends_with_the_transaction_of_as_user(user):
    WorkoutPlanFactory(user=user)

    with as_user(user):
        assert current_user_setting() == str(user.pk)
        assert WorkoutPlan.objects.count() == 1

    assert current_user_setting() in ("", None)
    assert WorkoutPlan.objects.count() == 0


class EquipmentCheckboxes(HTMLParser):
    """Collects the settings page's equipment checkboxes: {equipment id: checked}."""

    def __init__(self):
        super().__init__()
        self.checked_by_id: dict[int, bool] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "equipment":
            self.checked_by_id[int(attributes["value"])] = "checked" in attributes


@pytest.mark.django_db(transaction=True)
def test_a_request_shows_only_the_logged_in_users_equipment_and_leaves_no_user_behind(
    client, user, other_user
):
    barbell, dumbbells, kettlebell = EquipmentFactory.create_batch(3)
    for owner, equipment in [
        (user, barbell),
        (user, kettlebell),
        (other_user, dumbbells),
        (other_user, kettlebell),
    ]:
        with as_user(owner):
            UserEquipmentFactory(user=owner, equipment=equipment)
    client.force_login(user)

    response = client.get("/settings/")

    assert response.status_code == 200
    checkboxes = EquipmentCheckboxes()
    checkboxes.feed(response.text)
    assert checkboxes.checked_by_id == {barbell.pk: True, dumbbells.pk: False, kettlebell.pk: True}
    # The test client keeps the request's connection: a user id set for the session rather than
    # for the request's transaction would still be here, and would show the next request rows.
    assert current_user_setting() in ("", None)
    assert not UserEquipment.objects.exists()
