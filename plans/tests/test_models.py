"""The plans' tables refuse bad rows themselves: constraints, enum values, same-user references.

Rows are written with save() or update(), which skip model validation, so every refusal comes
from PostgreSQL. Row-level security is on throughout: rows are written inside `as_user`.
"""

import pytest
from django.db import DataError, IntegrityError, connection

from allworkouts.rls import as_user
from allworkouts.tests.database import refused, violates
from catalog.tests.factories import ExerciseFactory
from plans.models import WorkoutExercise, WorkoutImportLog
from plans.tests.factories import (
    WorkoutExerciseFactory,
    WorkoutImportLogFactory,
    WorkoutPlanFactory,
)


@pytest.mark.django_db
def test_a_plan_needs_a_name(user):
    with as_user(user), violates("workout_plan_name_not_empty"):
        WorkoutPlanFactory(user=user, name="")


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["workout_plan", "exercise"])
def test_a_plan_exercise_needs_its_plan_and_its_exercise(user, missing):
    slot = WorkoutExerciseFactory.build(
        workout_plan=WorkoutPlanFactory(user=user), exercise=ExerciseFactory()
    )
    setattr(slot, f"{missing}_id", None)

    with as_user(user), refused(IntegrityError, f'null value in column "{missing}_id"'):
        slot.save()


@pytest.mark.django_db
def test_two_exercises_of_a_plan_cannot_share_a_position(user):
    plan = WorkoutPlanFactory(user=user)
    WorkoutExerciseFactory(workout_plan=plan, sequence=1)

    with as_user(user), violates("workout_exercise_plan_sequence_unique"):
        WorkoutExerciseFactory(workout_plan=plan, sequence=1)


@pytest.mark.django_db
def test_exercises_of_different_plans_may_share_a_position(user):
    for plan in WorkoutPlanFactory.create_batch(2, user=user):
        WorkoutExerciseFactory(workout_plan=plan, sequence=1)

    with as_user(user), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert WorkoutExercise.objects.filter(sequence=1).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_shared_position_is_accepted_by_the_insert_and_refused_at_commit(user):
    plan = WorkoutPlanFactory(user=user)
    first = WorkoutExerciseFactory(workout_plan=plan, sequence=1)
    counted_before_commit = []

    def add_another_exercise_at_position_one():
        with as_user(user):
            WorkoutExerciseFactory(workout_plan=plan, sequence=1)
            counted_before_commit.append(WorkoutExercise.objects.filter(sequence=1).count())

    with pytest.raises(IntegrityError, match="workout_exercise_plan_sequence_unique"):
        add_another_exercise_at_position_one()

    assert counted_before_commit == [2]
    with as_user(user):
        assert list(WorkoutExercise.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_two_exercises_of_a_plan_can_swap_positions_in_one_transaction(user):
    plan = WorkoutPlanFactory(user=user)
    squat = WorkoutExerciseFactory(workout_plan=plan, sequence=1)
    bench = WorkoutExerciseFactory(workout_plan=plan, sequence=2)

    with as_user(user):
        squat.sequence, bench.sequence = 2, 1
        squat.save(update_fields=["sequence"])
        bench.save(update_fields=["sequence"])
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        assert list(WorkoutExercise.objects.values_list("pk", flat=True)) == [bench.pk, squat.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"sets": 0}, "workout_exercise_sets_range"),
        ({"sets": 21}, "workout_exercise_sets_range"),
        ({"reps_min": 0, "reps_max": 5}, "workout_exercise_reps_range"),
        ({"reps_min": 10, "reps_max": 9}, "workout_exercise_reps_range"),
        ({"reps_min": 8, "reps_max": 101}, "workout_exercise_reps_range"),
        ({"rest_time_seconds": 901}, "workout_exercise_rest_range"),
    ],
    ids=["no sets", "21 sets", "0 reps", "max below min", "101 reps", "rest over 15 min"],
)
def test_a_plan_exercise_out_of_range_is_refused(user, values, constraint):
    plan = WorkoutPlanFactory(user=user)

    with as_user(user), violates(constraint):
        WorkoutExerciseFactory(workout_plan=plan, **values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"sets": 1, "reps_min": 1, "reps_max": 1, "rest_time_seconds": 0},
        {"sets": 20, "reps_min": 100, "reps_max": 100, "rest_time_seconds": 900},
    ],
    ids=["lowest", "highest"],
)
def test_a_plan_exercise_at_the_edges_of_its_ranges_is_accepted(user, values):
    slot = WorkoutExerciseFactory(workout_plan__user=user, **values)

    with as_user(user):
        assert WorkoutExercise.objects.filter(pk=slot.pk, **values).exists()


@pytest.mark.django_db
def test_a_confidence_level_outside_the_enum_is_refused(user):
    slot = WorkoutExerciseFactory(workout_plan__user=user)

    with (
        as_user(user),
        refused(DataError, 'invalid input value for enum confidence_level_enum: "certain"'),
    ):
        WorkoutExercise.objects.filter(pk=slot.pk).update(confidence_level="certain")


@pytest.mark.django_db
def test_a_plan_exercise_cannot_belong_to_another_users_plan(user, other_user):
    their_plan = WorkoutPlanFactory(user=other_user)
    slot = WorkoutExerciseFactory.build(
        workout_plan=their_plan, user=user, exercise=ExerciseFactory()
    )

    # The policy admits the row (its user_id is the current user's); the reference does not.
    with as_user(user), violates("workout_exercise_workout_plan_same_user_fk"):
        slot.save()


@pytest.mark.django_db
def test_an_import_log_cannot_point_at_another_users_plan(user, other_user):
    their_plan = WorkoutPlanFactory(user=other_user)

    with as_user(user), violates("workout_import_log_workout_plan_same_user_fk"):
        WorkoutImportLogFactory(user=user, workout_plan=their_plan)


@pytest.mark.django_db
def test_an_import_that_made_no_plan_is_logged_without_one(user):
    log = WorkoutImportLogFactory(user=user, workout_plan=None)

    with as_user(user), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert WorkoutImportLog.objects.get(pk=log.pk).workout_plan_id is None
