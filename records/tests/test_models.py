"""The personal records table refuses bad rows itself: uniqueness, positive values, its enum.

Rows are written with save() or update(), which skip model validation, so every refusal comes
from PostgreSQL. Row-level security is on throughout: rows are written inside `as_user`.
"""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError

from allworkouts.rls import as_user
from allworkouts.tests.database import refused, violates
from records.models import PersonalRecord, RecordType
from records.tests.factories import PersonalRecordFactory
from sessions.tests.factories import ExerciseSessionFactory

pytestmark = pytest.mark.django_db


def test_a_user_holds_one_record_of_each_type_per_exercise(user):
    logged_set = ExerciseSessionFactory(workout_session__workout_plan__user=user)
    PersonalRecordFactory(exercise_session=logged_set, record_type=RecordType.ONE_REP_MAX)

    with as_user(user), violates("personal_record_unique"):
        PersonalRecordFactory(exercise_session=logged_set, record_type=RecordType.ONE_REP_MAX)


def test_records_of_other_types_and_other_users_stand_side_by_side(user, other_user):
    logged_set = ExerciseSessionFactory(workout_session__workout_plan__user=user)
    their_set = ExerciseSessionFactory(
        workout_session__workout_plan__user=other_user, exercise=logged_set.exercise
    )
    for record_type in RecordType.values:
        PersonalRecordFactory(exercise_session=logged_set, record_type=record_type)
    PersonalRecordFactory(exercise_session=their_set, record_type=RecordType.ONE_REP_MAX)

    with as_user(user):
        assert sorted(PersonalRecord.objects.values_list("record_type", flat=True)) == sorted(
            RecordType.values
        )


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("-1")])
def test_a_record_value_is_positive(user, value):
    logged_set = ExerciseSessionFactory(workout_session__workout_plan__user=user)

    with as_user(user), violates("personal_record_value_positive"):
        PersonalRecordFactory(exercise_session=logged_set, value=value)


def test_a_record_type_outside_the_enum_is_refused(user):
    record = PersonalRecordFactory(exercise_session__workout_session__workout_plan__user=user)

    with as_user(user), refused(DataError, 'invalid input value for enum record_type_enum: "5rm"'):
        PersonalRecord.objects.filter(pk=record.pk).update(record_type="5rm")


@pytest.mark.parametrize("missing", ["exercise_session", "exercise"])
def test_a_record_needs_the_set_that_achieved_it_and_its_exercise(user, missing):
    record = PersonalRecordFactory.build(
        exercise_session=ExerciseSessionFactory(workout_session__workout_plan__user=user)
    )
    setattr(record, f"{missing}_id", None)

    with as_user(user), refused(IntegrityError, f'null value in column "{missing}_id"'):
        record.save()


def test_a_record_cannot_point_at_another_users_set(user, other_user):
    record = PersonalRecordFactory.build(
        user=user,
        exercise_session=ExerciseSessionFactory(workout_session__workout_plan__user=other_user),
    )

    with as_user(user), violates("personal_record_exercise_session_same_user_fk"):
        record.save()
