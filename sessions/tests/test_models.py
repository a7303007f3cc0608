"""The workout tables refuse bad rows themselves: constraints, enum values, same-user references.

Rows are written with save() or update(), which skip model validation, so every refusal comes
from PostgreSQL. Row-level security is on throughout: rows are written inside `as_user`.
"""

import uuid
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.tests.database import refused, violates
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutPlanFactory
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

pytestmark = pytest.mark.django_db

POUND_IN_KG = Decimal("0.45359237")


def test_a_status_outside_the_enum_is_refused(user):
    workout = WorkoutSessionFactory(workout_plan__user=user)

    with (
        as_user(user),
        refused(DataError, 'invalid input value for enum session_status_enum: "paused"'),
    ):
        WorkoutSession.objects.filter(pk=workout.pk).update(status="paused")


def test_a_user_has_at_most_one_workout_in_progress(user):
    WorkoutSessionFactory(workout_plan__user=user, in_progress=True)

    with as_user(user), violates("workout_session_one_in_progress"):
        WorkoutSessionFactory(workout_plan__user=user, in_progress=True)


def test_finished_deleted_and_other_users_workouts_leave_room_for_one_in_progress(user, other_user):
    plan = WorkoutPlanFactory(user=user)
    WorkoutSessionFactory(workout_plan=plan, status=SessionStatus.COMPLETED)
    WorkoutSessionFactory(workout_plan=plan, status=SessionStatus.ABANDONED)
    WorkoutSessionFactory(workout_plan=plan, in_progress=True, deleted_at=timezone.now())
    WorkoutSessionFactory(workout_plan__user=other_user, in_progress=True)

    current = WorkoutSessionFactory(workout_plan=plan, in_progress=True)

    with as_user(user):
        assert WorkoutSession.objects.get(status=SessionStatus.IN_PROGRESS) == current


def test_a_workout_needs_its_plan(user):
    workout = WorkoutSessionFactory.build(workout_plan=WorkoutPlanFactory(user=user))
    workout.workout_plan_id = None

    with as_user(user), refused(IntegrityError, 'null value in column "workout_plan_id"'):
        workout.save()


def test_a_workout_cannot_belong_to_another_users_plan(user, other_user):
    workout = WorkoutSessionFactory.build(
        workout_plan=WorkoutPlanFactory(user=other_user), user=user
    )

    # The policy admits the row (its user_id is the current user's); the reference does not.
    with as_user(user), violates("workout_session_workout_plan_same_user_fk"):
        workout.save()


@pytest.mark.parametrize("missing", ["workout_session", "exercise"])
def test_a_logged_set_needs_its_workout_and_its_exercise(user, missing):
    logged_set = ExerciseSessionFactory.build(
        workout_session=WorkoutSessionFactory(workout_plan__user=user),
        exercise=ExerciseFactory(),
    )
    setattr(logged_set, f"{missing}_id", None)

    with as_user(user), refused(IntegrityError, f'null value in column "{missing}_id"'):
        logged_set.save()


def test_a_logged_set_cannot_belong_to_another_users_workout(user, other_user):
    logged_set = ExerciseSessionFactory.build(
        workout_session=WorkoutSessionFactory(workout_plan__user=other_user),
        user=user,
        exercise=ExerciseFactory(),
    )

    with as_user(user), violates("exercise_session_workout_session_same_user_fk"):
        logged_set.save()


def test_a_retried_set_cannot_be_logged_twice(user):
    workout = WorkoutSessionFactory(workout_plan__user=user)
    key = uuid.uuid4()
    ExerciseSessionFactory(workout_session=workout, idempotency_key=key)

    with as_user(user), violates("exercise_session_idempotency_key_key"):
        ExerciseSessionFactory(workout_session=workout, idempotency_key=key)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"weight": Decimal("-2.5")}, "exercise_session_weight_ok"),
        ({"set_number": 0}, "exercise_session_set_ok"),
    ],
    ids=["negative weight", "set zero"],
)
def test_a_logged_set_out_of_range_is_refused(user, values, constraint):
    workout = WorkoutSessionFactory(workout_plan__user=user)

    with as_user(user), violates(constraint):
        ExerciseSessionFactory(workout_session=workout, **values)


def test_a_bodyweight_set_weighs_nothing_and_may_be_first(user):
    logged_set = ExerciseSessionFactory(
        workout_session__workout_plan__user=user, weight=Decimal("0"), set_number=1
    )

    with as_user(user):
        assert ExerciseSession.objects.get(pk=logged_set.pk).weight == 0


def test_a_weight_entered_in_half_pounds_is_stored_exactly(user):
    weight = Decimal("502.5") * POUND_IN_KG
    logged_set = ExerciseSessionFactory(workout_session__workout_plan__user=user, weight=weight)

    with as_user(user):
        assert ExerciseSession.objects.get(pk=logged_set.pk).weight / POUND_IN_KG == Decimal(
            "502.5"
        )


def test_a_logged_set_cannot_fill_another_users_plan_slot(user, other_user):
    from plans.tests.factories import WorkoutExerciseFactory

    logged_set = ExerciseSessionFactory.build(
        workout_session=WorkoutSessionFactory(workout_plan__user=user),
        workout_exercise=WorkoutExerciseFactory(workout_plan__user=other_user),
        exercise=ExerciseFactory(),
    )

    with as_user(user), violates("exercise_session_workout_exercise_same_user_fk"):
        logged_set.save()
