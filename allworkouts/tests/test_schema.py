"""The schema matches the seed's decisions: enum types, column types, indexes, no cascades."""

import re

import pytest
from django.apps import apps
from django.db import models

from allworkouts.tests.database import fetch_rows
from allworkouts.users.models import UnitSystem
from catalog.models import MuscleGroup
from plans.models import ConfidenceLevel
from records.models import RecordType
from sessions.models import SessionStatus

PROJECT_APPS = ["users", "catalog", "plans", "workout_sessions", "records"]

SEED_ENUM_VALUES = {
    "unit_system_enum": ["metric", "imperial"],
    "confidence_level_enum": ["high", "medium", "low"],
    "session_status_enum": ["in_progress", "completed", "abandoned"],
    "record_type_enum": ["1rm", "set_volume", "total_volume"],
}
CHOICES_BY_ENUM = {
    "unit_system_enum": UnitSystem,
    "confidence_level_enum": ConfidenceLevel,
    "session_status_enum": SessionStatus,
    "record_type_enum": RecordType,
    "muscle_group_enum": MuscleGroup,
}
ENUM_COLUMNS = {
    ("user", "unit_system"): "unit_system_enum",
    ("exercise", "primary_muscle_groups"): "muscle_group_enum[]",
    ("exercise", "secondary_muscle_groups"): "muscle_group_enum[]",
    ("workout_exercise", "confidence_level"): "confidence_level_enum",
    ("workout_session", "status"): "session_status_enum",
    ("personal_record", "record_type"): "record_type_enum",
}
SEED_INDEXES = {
    "workout_session": [
        ("btree", "user_id, status, created_at"),
        ("btree", "user_id, created_at DESC"),
    ],
    "exercise_session": [("btree", "user_id, exercise_id, created_at DESC")],
    "personal_record": [("btree", "user_id, exercise_id")],
    "workout_plan": [("btree", "user_id, created_at DESC")],
    "exercise": [("gin", "primary_muscle_groups"), ("gin", "secondary_muscle_groups")],
}
SAME_USER_FOREIGN_KEYS = {
    "workout_exercise_workout_plan_same_user_fk",
    "workout_import_log_workout_plan_same_user_fk",
    "workout_session_workout_plan_same_user_fk",
    "exercise_session_workout_session_same_user_fk",
    "exercise_session_workout_exercise_same_user_fk",
    "personal_record_exercise_session_same_user_fk",
}

pytestmark = pytest.mark.django_db


def enum_labels() -> dict[str, list[str]]:
    return dict(
        fetch_rows(
            "SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)"
            " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
            " WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'"
            " GROUP BY t.typname"
        )
    )


def test_the_five_enum_types_are_postgresql_enums_with_the_seeds_values():
    labels = enum_labels()

    assert set(labels) == set(CHOICES_BY_ENUM)
    for enum_type, values in SEED_ENUM_VALUES.items():
        assert labels[enum_type] == values, enum_type


@pytest.mark.parametrize(("enum_type", "choices"), CHOICES_BY_ENUM.items())
def test_each_enum_type_lists_exactly_the_models_choices_in_order(enum_type, choices):
    assert enum_labels()[enum_type] == choices.values


def test_the_enum_columns_are_of_the_enum_types():
    columns = fetch_rows(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)"
        " FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_type t ON t.oid = a.atttypid"
        " LEFT JOIN pg_type element ON element.oid = t.typelem"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
        " AND a.attnum > 0 AND NOT a.attisdropped"
        " AND (t.typtype = 'e' OR element.typtype = 'e')"
    )

    assert {(table, column): type_ for table, column, type_ in columns} == ENUM_COLUMNS


def test_the_muscle_group_columns_are_arrays_of_the_enum_for_information_schema_too():
    columns = fetch_rows(
        "SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = 'exercise'"
        " AND column_name LIKE '%%muscle_groups' ORDER BY column_name"
    )

    assert columns == [
        ("primary_muscle_groups", "ARRAY", "_muscle_group_enum", "NO"),
        ("secondary_muscle_groups", "ARRAY", "_muscle_group_enum", "NO"),
    ]


def test_the_seeds_indexes_exist():
    definitions = fetch_rows(
        "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename = ANY(%s)",
        [list(SEED_INDEXES)],
    )
    indexes: dict[str, set[tuple[str, str]]] = {}
    for table, definition in definitions:
        method, columns = re.search(r" USING (\w+) \((.*)\)$", definition).groups()
        indexes.setdefault(table, set()).add((method, columns))

    for table, expected in SEED_INDEXES.items():
        assert set(expected) <= indexes[table], table


def test_no_foreign_key_cascades_or_nulls_on_delete():
    foreign_keys = fetch_rows(
        "SELECT conname, confdeltype FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
    )

    assert {name for name, _ in foreign_keys} >= SAME_USER_FOREIGN_KEYS
    # 'a' is NO ACTION and 'r' RESTRICT; 'c' CASCADE, 'n' SET NULL and 'd' SET DEFAULT are not.
    assert {name: action for name, action in foreign_keys if action not in ("a", "r")} == {}


def test_every_foreign_key_of_the_projects_models_protects_what_it_points_at():
    foreign_keys = [
        field
        for app_label in PROJECT_APPS
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
    ]

    assert len(foreign_keys) >= 15
    assert [
        str(field) for field in foreign_keys if field.remote_field.on_delete is not models.PROTECT
    ] == []
