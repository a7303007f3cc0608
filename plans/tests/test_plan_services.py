"""The plan services, against real PostgreSQL as the app role with row-level security on."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from allworkouts.rls import as_user
from catalog.tests.factories import ExerciseFactory
from plans import services
from plans.importing import ReviewRow
from plans.models import WorkoutExercise, WorkoutImportLog, WorkoutPlan
from plans.services import (
    PlanConflict,
    PlannedExercise,
    plan_create,
    plan_delete,
    plan_duplicate,
    plan_exercise_add,
    plan_exercise_move,
    plan_exercise_remove,
    plan_exercise_update,
    plan_import,
    plan_rename,
    plan_restore,
)
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.models import WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory


def reload(user, plan) -> WorkoutPlan:
    with as_user(user):
        return WorkoutPlan.all_objects.get(pk=plan.pk)


def slots(user, plan) -> list[tuple[str, int]]:
    """(exercise name, sequence) of the plan's exercises, in order; deferred constraints are
    checked first, as a commit would."""
    with as_user(user), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Back to deferred, as the next transaction would start: later edits in this test's
        # transaction may swap positions again.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return [
            (slot.exercise.name, slot.sequence)
            for slot in WorkoutExercise.objects.filter(workout_plan=plan)
            .select_related("exercise")
            .order_by("sequence")
        ]


@pytest.fixture
def plan_of_three(user):
    plan = WorkoutPlanFactory(user=user, name="Push")
    for sequence, name in enumerate(["Bench Press", "Overhead Press", "Dips"], start=1):
        WorkoutExerciseFactory(
            workout_plan=plan, exercise=ExerciseFactory(name=name), sequence=sequence
        )
    return reload(user, plan)


def slot_at(user, plan, sequence) -> WorkoutExercise:
    with as_user(user):
        return WorkoutExercise.objects.get(workout_plan=plan, sequence=sequence)


def test_create_strips_the_name(user):
    plan = plan_create(user=user, name="  Legs  ")

    assert reload(user, plan).name == "Legs"
    assert plan.version == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the plan a name."),
        ("x" * 101, "Keep the name to 100 characters (it has 101)."),
    ],
)
def test_create_refuses_an_empty_or_long_name(user, name, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan_create(user=user, name=name)

    with as_user(user):
        assert not WorkoutPlan.all_objects.exists()


def test_rename_bumps_the_version(user, plan_of_three):
    plan_rename(user=user, plan_id=plan_of_three.pk, version=1, name="Push A")

    plan = reload(user, plan_of_three)
    assert (plan.name, plan.version) == ("Push A", 2)


def test_rename_from_a_stale_version_is_refused_and_changes_nothing(user, plan_of_three):
    plan_rename(user=user, plan_id=plan_of_three.pk, version=1, name="From tab one")

    with pytest.raises(PlanConflict):
        plan_rename(user=user, plan_id=plan_of_three.pk, version=1, name="From tab two")

    plan = reload(user, plan_of_three)
    assert (plan.name, plan.version) == ("From tab one", 2)


def test_another_users_plan_does_not_exist_for_the_services(user, other_user, plan_of_three):
    with pytest.raises(WorkoutPlan.DoesNotExist):
        plan_rename(user=other_user, plan_id=plan_of_three.pk, version=1, name="Mine now")
    with pytest.raises(WorkoutPlan.DoesNotExist):
        plan_delete(user=other_user, plan_id=plan_of_three.pk)
    with pytest.raises(WorkoutPlan.DoesNotExist):
        plan_duplicate(user=other_user, plan_id=plan_of_three.pk)

    assert reload(user, plan_of_three).name == "Push"


def test_duplicate_copies_the_exercises_in_order(user, plan_of_three):
    copy = plan_duplicate(user=user, plan_id=plan_of_three.pk)

    assert copy.name == "Push (copy)"
    assert slots(user, copy) == slots(user, plan_of_three)
    assert slots(user, copy) == [("Bench Press", 1), ("Overhead Press", 2), ("Dips", 3)]


def test_duplicating_a_long_name_keeps_it_within_100_characters(user):
    plan = WorkoutPlanFactory(user=user, name="x" * 100)

    copy = plan_duplicate(user=user, plan_id=plan.pk)

    assert copy.name == "x" * 93 + " (copy)"


def test_delete_is_soft_and_restore_brings_the_plan_back(user, plan_of_three):
    plan_delete(user=user, plan_id=plan_of_three.pk)

    deleted = reload(user, plan_of_three)
    assert deleted.deleted_at is not None
    with as_user(user):
        assert not WorkoutPlan.objects.filter(pk=plan_of_three.pk).exists()
    assert len(slots(user, plan_of_three)) == 3

    plan_restore(user=user, plan_id=plan_of_three.pk)

    restored = reload(user, plan_of_three)
    assert restored.deleted_at is None
    assert restored.version == 3


def test_past_workouts_keep_their_name_through_renames_and_deletes(user, plan_of_three):
    workout = WorkoutSessionFactory(workout_plan=plan_of_three)

    plan_rename(user=user, plan_id=plan_of_three.pk, version=1, name="Push B")
    plan_delete(user=user, plan_id=plan_of_three.pk)

    with as_user(user):
        assert WorkoutSession.objects.get(pk=workout.pk).name == "Push"


def test_add_appends_the_exercise_with_its_defaults(user, plan_of_three):
    rows = ExerciseFactory(name="Cable Fly", default_reps=15, default_rest_time_seconds=60)

    slot = plan_exercise_add(user=user, plan_id=plan_of_three.pk, version=1, exercise_id=rows.pk)

    assert (slot.sequence, slot.sets, slot.reps_min, slot.reps_max, slot.rest_time_seconds) == (
        4,
        3,
        15,
        15,
        60,
    )
    assert slot.confidence_level is None
    assert reload(user, plan_of_three).version == 2


def test_add_refuses_a_retired_exercise(user, plan_of_three):
    retired = ExerciseFactory(retired_at=timezone.now())

    with pytest.raises(ValidationError, match="not offered any more"):
        plan_exercise_add(user=user, plan_id=plan_of_three.pk, version=1, exercise_id=retired.pk)

    assert len(slots(user, plan_of_three)) == 3
    assert reload(user, plan_of_three).version == 1


def test_update_changes_the_numbers_and_bumps_both_versions(user, plan_of_three):
    slot = slot_at(user, plan_of_three, 2)

    plan_exercise_update(
        user=user,
        plan_id=plan_of_three.pk,
        version=1,
        workout_exercise_id=slot.pk,
        exercise_version=1,
        sets=5,
        reps_min=3,
        reps_max=5,
        rest_time_seconds=180,
    )

    updated = slot_at(user, plan_of_three, 2)
    assert (updated.sets, updated.reps_min, updated.reps_max) == (5, 3, 5)
    assert (updated.rest_time_seconds, updated.version) == (180, 2)
    assert reload(user, plan_of_three).version == 2


@pytest.mark.parametrize(
    ("numbers", "field"),
    [
        ({"sets": 0}, "sets"),
        ({"sets": 21}, "sets"),
        ({"reps_min": 0}, "reps_min"),
        ({"reps_min": 10, "reps_max": 8}, "reps_max"),
        ({"reps_max": 101}, "reps_max"),
        ({"rest_time_seconds": 901}, "rest_time_seconds"),
    ],
)
def test_update_refuses_numbers_out_of_range(user, plan_of_three, numbers, field):
    slot = slot_at(user, plan_of_three, 1)
    values = {"sets": 3, "reps_min": 8, "reps_max": 12, "rest_time_seconds": 90} | numbers

    with pytest.raises(ValidationError) as refused:
        plan_exercise_update(
            user=user,
            plan_id=plan_of_three.pk,
            version=1,
            workout_exercise_id=slot.pk,
            exercise_version=1,
            **values,
        )

    assert list(refused.value.message_dict) == [field]
    assert slot_at(user, plan_of_three, 1).version == 1


def test_update_from_a_stale_exercise_version_is_refused(user, plan_of_three):
    slot = slot_at(user, plan_of_three, 1)
    numbers = {"sets": 4, "reps_min": 6, "reps_max": 6, "rest_time_seconds": 120}
    plan_exercise_update(
        user=user,
        plan_id=plan_of_three.pk,
        version=1,
        workout_exercise_id=slot.pk,
        exercise_version=1,
        **numbers,
    )

    with pytest.raises(PlanConflict):
        plan_exercise_update(
            user=user,
            plan_id=plan_of_three.pk,
            version=2,
            workout_exercise_id=slot.pk,
            exercise_version=1,
            **(numbers | {"sets": 1}),
        )

    assert slot_at(user, plan_of_three, 1).sets == 4
    assert reload(user, plan_of_three).version == 2


def test_an_exercise_of_another_plan_does_not_exist_here(user, plan_of_three):
    elsewhere = WorkoutExerciseFactory(workout_plan=WorkoutPlanFactory(user=user))

    with pytest.raises(WorkoutExercise.DoesNotExist):
        plan_exercise_remove(
            user=user,
            plan_id=plan_of_three.pk,
            version=1,
            workout_exercise_id=elsewhere.pk,
            exercise_version=1,
        )

    assert reload(user, plan_of_three).version == 1


@pytest.mark.parametrize(
    ("sequence", "direction", "expected"),
    [
        (2, "up", ["Overhead Press", "Bench Press", "Dips"]),
        (2, "down", ["Bench Press", "Dips", "Overhead Press"]),
        (1, "up", ["Bench Press", "Overhead Press", "Dips"]),
        (3, "down", ["Bench Press", "Overhead Press", "Dips"]),
    ],
)
def test_move_swaps_with_the_neighbour_keeping_positions_unique(
    user, plan_of_three, sequence, direction, expected
):
    slot = slot_at(user, plan_of_three, sequence)

    moved = plan_exercise_move(
        user=user,
        plan_id=plan_of_three.pk,
        version=1,
        workout_exercise_id=slot.pk,
        exercise_version=1,
        direction=direction,
    )

    assert slots(user, plan_of_three) == [(name, n) for n, name in enumerate(expected, start=1)]
    assert moved is (expected != ["Bench Press", "Overhead Press", "Dips"])
    assert reload(user, plan_of_three).version == 2


def test_remove_deletes_an_untrained_exercise_and_keeps_the_order(user, plan_of_three):
    slot = slot_at(user, plan_of_three, 1)

    plan_exercise_remove(
        user=user,
        plan_id=plan_of_three.pk,
        version=1,
        workout_exercise_id=slot.pk,
        exercise_version=1,
    )

    assert slots(user, plan_of_three) == [("Overhead Press", 2), ("Dips", 3)]
    with as_user(user):
        assert not WorkoutExercise.all_objects.filter(pk=slot.pk).exists()


def test_an_exercise_with_logged_sets_leaves_the_plan_but_stays_for_those_workouts(
    user, plan_of_three
):
    slot = slot_at(user, plan_of_three, 2)
    logged = ExerciseSessionFactory(
        workout_session=WorkoutSessionFactory(workout_plan=plan_of_three),
        exercise=slot.exercise,
        workout_exercise=slot,
    )

    plan_exercise_remove(
        user=user,
        plan_id=plan_of_three.pk,
        version=1,
        workout_exercise_id=slot.pk,
        exercise_version=1,
    )

    assert slots(user, plan_of_three) == [("Bench Press", 1), ("Dips", 3)]
    with as_user(user):
        removed = WorkoutExercise.all_objects.get(pk=slot.pk)
        logged.refresh_from_db()
    assert removed.deleted_at is not None
    assert logged.workout_exercise_id == slot.pk
    assert reload(user, plan_of_three).version == 2

    # A new exercise goes after every position ever taken.
    added = plan_exercise_add(
        user=user, plan_id=plan_of_three.pk, version=2, exercise_id=slot.exercise_id
    )
    assert added.sequence == 4


def review_row(name: str, exercise, confidence: str, score: float) -> ReviewRow:
    return ReviewRow(
        name_as_written=name,
        exercise_id=exercise.pk,
        exercise_name=exercise.name,
        confidence=confidence,
        score=score,
        alternatives=[],
        sets=3,
        reps_min=8,
        reps_max=12,
        rest_seconds=None,
        notes="",
    )


def planned(exercise, confidence: str, **numbers) -> PlannedExercise:
    values = {"sets": 3, "reps_min": 8, "reps_max": 12, "rest_time_seconds": 90} | numbers
    return PlannedExercise(exercise_id=exercise.pk, confidence=confidence, **values)


def test_import_writes_the_plan_its_exercises_and_the_log(user):
    bench, row = ExerciseFactory(name="Bench Press"), ExerciseFactory(name="Barbell Row")
    parsed = [review_row("bench", bench, "high", 96.0), review_row("rws", row, "low", 41.5)]

    plan = plan_import(
        user=user,
        name="Upper",
        raw_text="bench 3x8-12\nrws 3x8-12",
        parsed=parsed,
        rows=[planned(bench, "high"), planned(row, "low", sets=4)],
    )

    with as_user(user):
        exercises = list(WorkoutExercise.objects.filter(workout_plan=plan).order_by("sequence"))
        log = WorkoutImportLog.objects.get(workout_plan=plan)
    assert [(e.exercise_id, e.sets, e.confidence_level) for e in exercises] == [
        (bench.pk, 3, "high"),
        (row.pk, 4, "low"),
    ]
    assert log.raw_text == "bench 3x8-12\nrws 3x8-12"
    assert [entry["name_as_written"] for entry in log.parsed_exercises] == ["bench", "rws"]
    assert log.confidence_scores == [
        {"name_as_written": "bench", "confidence": "high", "score": 96.0},
        {"name_as_written": "rws", "confidence": "low", "score": 41.5},
    ]


def test_an_invalid_row_refuses_the_whole_import(user):
    bench, retired = ExerciseFactory(), ExerciseFactory(retired_at=timezone.now())

    with pytest.raises(ValidationError) as refused:
        plan_import(
            user=user,
            name="Upper",
            raw_text="text",
            parsed=[],
            rows=[planned(bench, "high"), planned(retired, "high"), planned(bench, "high", sets=0)],
        )

    assert refused.value.message_dict["rows"] == [
        "Row 3: Sets must be between 1 and 20.",
        f"Row 2: exercise {retired.pk} is not offered.",
    ]
    with as_user(user):
        assert not WorkoutPlan.all_objects.exists()
        assert not WorkoutImportLog.objects.exists()


def test_a_failure_while_writing_the_import_leaves_nothing_behind(user, monkeypatch):
    bench = ExerciseFactory()

    def broken(row):
        raise RuntimeError("log serialisation failed")

    monkeypatch.setattr(services, "review_row_to_json", broken)

    with pytest.raises(RuntimeError):
        plan_import(
            user=user,
            name="Upper",
            raw_text="bench 3x8",
            parsed=[review_row("bench", bench, "high", 99.0)],
            rows=[planned(bench, "high")],
        )

    with as_user(user):
        assert not WorkoutPlan.all_objects.exists()
        assert not WorkoutExercise.objects.exists()
