"""Enum arrays load as list[str] and enums as str, whichever way the ORM reads them.

psycopg has no loader for the enum array types, so each query path must go through
EnumArrayField.from_db_value; one that does not would hand out the text literal '{chest,abs}'.
"""

import pytest

from allworkouts.rls import as_user
from catalog.models import Exercise, ExerciseEquipment
from catalog.tests.factories import EquipmentFactory, ExerciseFactory
from plans.models import WorkoutExercise
from plans.tests.factories import WorkoutExerciseFactory
from records.models import PersonalRecord
from records.tests.factories import PersonalRecordFactory
from sessions.models import WorkoutSession
from sessions.tests.factories import WorkoutSessionFactory

PRIMARY = ["chest", "triceps"]
SECONDARY = ["shoulders", "upper_back", "abs"]

pytestmark = pytest.mark.django_db


def assert_muscles(value, expected):
    assert type(value) is list
    assert all(type(item) is str for item in value)
    assert value == expected


@pytest.fixture
def bench():
    return ExerciseFactory(
        name="Bench press", primary_muscle_groups=PRIMARY, secondary_muscle_groups=SECONDARY
    )


def test_create_keeps_the_lists(bench):
    assert_muscles(bench.primary_muscle_groups, PRIMARY)
    assert_muscles(bench.secondary_muscle_groups, SECONDARY)


def test_get_loads_lists(bench):
    exercise = Exercise.objects.get(pk=bench.pk)

    assert_muscles(exercise.primary_muscle_groups, PRIMARY)
    assert_muscles(exercise.secondary_muscle_groups, SECONDARY)


def test_filter_on_the_whole_array_loads_lists(bench):
    exercise = Exercise.objects.filter(primary_muscle_groups=PRIMARY).get()

    assert_muscles(exercise.secondary_muscle_groups, SECONDARY)


def test_values_loads_lists(bench):
    row = Exercise.objects.values("primary_muscle_groups", "secondary_muscle_groups").get()

    assert_muscles(row["primary_muscle_groups"], PRIMARY)
    assert_muscles(row["secondary_muscle_groups"], SECONDARY)


def test_values_list_loads_lists(bench):
    primary, secondary = Exercise.objects.values_list(
        "primary_muscle_groups", "secondary_muscle_groups"
    ).get()

    assert_muscles(primary, PRIMARY)
    assert_muscles(secondary, SECONDARY)


def test_flat_values_list_loads_lists(bench):
    (primary,) = Exercise.objects.values_list("primary_muscle_groups", flat=True)

    assert_muscles(primary, PRIMARY)


def test_only_and_defer_load_lists(bench):
    only_muscles = Exercise.objects.only("primary_muscle_groups").get(pk=bench.pk)
    assert_muscles(only_muscles.primary_muscle_groups, PRIMARY)
    # A deferred field is fetched on first access, by yet another query.
    assert_muscles(only_muscles.secondary_muscle_groups, SECONDARY)

    deferred = Exercise.objects.defer("primary_muscle_groups").get(pk=bench.pk)
    assert_muscles(deferred.primary_muscle_groups, PRIMARY)


def test_refresh_from_db_loads_lists(bench):
    bench.primary_muscle_groups = "stale"
    bench.refresh_from_db()

    assert_muscles(bench.primary_muscle_groups, PRIMARY)


def test_bulk_create_then_a_read_loads_lists():
    Exercise.objects.bulk_create(
        [
            Exercise(name="Squat", primary_muscle_groups=["quads", "glutes"]),
            Exercise(name="Plank", primary_muscle_groups=["abs"], secondary_muscle_groups=[]),
        ]
    )

    rows = dict(Exercise.objects.values_list("name", "primary_muscle_groups"))
    assert_muscles(rows["Squat"], ["quads", "glutes"])
    assert_muscles(rows["Plank"], ["abs"])
    assert_muscles(Exercise.objects.get(name="Plank").secondary_muscle_groups, [])


def test_update_then_a_read_loads_lists(bench):
    Exercise.objects.filter(pk=bench.pk).update(secondary_muscle_groups=["lats"])

    assert_muscles(Exercise.objects.get(pk=bench.pk).secondary_muscle_groups, ["lats"])


def test_iterator_loads_lists(bench):
    ExerciseFactory(name="Dip", primary_muscle_groups=["triceps"])

    loaded = {exercise.name: exercise for exercise in Exercise.objects.iterator(chunk_size=1)}

    assert_muscles(loaded["Bench press"].primary_muscle_groups, PRIMARY)
    assert_muscles(loaded["Dip"].primary_muscle_groups, ["triceps"])


def test_raw_queries_load_lists(bench):
    (exercise,) = Exercise.objects.raw("SELECT * FROM exercise")

    assert_muscles(exercise.secondary_muscle_groups, SECONDARY)


def test_contains_and_overlap_find_the_right_rows_and_load_lists(bench):
    ExerciseFactory(name="Curl", primary_muscle_groups=["biceps"], secondary_muscle_groups=[])

    (contains,) = Exercise.objects.filter(primary_muscle_groups__contains=["triceps", "chest"])
    (overlaps,) = Exercise.objects.filter(secondary_muscle_groups__overlap=["abs", "neck"])
    contained = Exercise.objects.filter(primary_muscle_groups__contained_by=[*PRIMARY, "biceps"])

    assert contains == overlaps == bench
    assert_muscles(contains.primary_muscle_groups, PRIMARY)
    assert_muscles(overlaps.secondary_muscle_groups, SECONDARY)
    assert sorted(exercise.name for exercise in contained) == ["Bench press", "Curl"]


def test_len_filters_by_the_number_of_muscles(bench):
    ExerciseFactory(name="Curl", primary_muscle_groups=["biceps"], secondary_muscle_groups=[])

    assert list(Exercise.objects.filter(secondary_muscle_groups__len=0)) == [
        Exercise.objects.get(name="Curl")
    ]
    (three,) = Exercise.objects.filter(secondary_muscle_groups__len=3)
    assert_muscles(three.secondary_muscle_groups, SECONDARY)


def test_ordering_by_name_with_the_arrays_selected_loads_lists(bench):
    ExerciseFactory(name="Arnold press", primary_muscle_groups=["shoulders"])

    rows = list(Exercise.objects.order_by("name").values_list("name", "primary_muscle_groups"))

    assert [name for name, _ in rows] == ["Arnold press", "Bench press"]
    assert_muscles(rows[0][1], ["shoulders"])
    assert_muscles(rows[1][1], PRIMARY)


def test_select_related_loads_the_exercises_lists(bench):
    ExerciseEquipment.objects.create(exercise=bench, equipment=EquipmentFactory())

    link = ExerciseEquipment.objects.select_related("exercise").get()

    assert_muscles(link.exercise.primary_muscle_groups, PRIMARY)
    assert_muscles(link.exercise.secondary_muscle_groups, SECONDARY)


def test_an_empty_array_loads_as_an_empty_list():
    exercise = ExerciseFactory(primary_muscle_groups=["calves"], secondary_muscle_groups=[])

    assert_muscles(Exercise.objects.get(pk=exercise.pk).secondary_muscle_groups, [])
    assert_muscles(
        Exercise.objects.values_list("secondary_muscle_groups", flat=True).get(pk=exercise.pk),
        [],
    )


def test_single_enums_load_as_str(user):
    slot = WorkoutExerciseFactory(workout_plan__user=user, confidence_level="medium")
    workout = WorkoutSessionFactory(workout_plan=slot.workout_plan, in_progress=True)
    record = PersonalRecordFactory(exercise_session__workout_session=workout, record_type="1rm")

    user.refresh_from_db()
    with as_user(user):
        loaded = [
            user.unit_system,
            WorkoutExercise.objects.get(pk=slot.pk).confidence_level,
            WorkoutSession.objects.values_list("status", flat=True).get(pk=workout.pk),
            PersonalRecord.objects.values("record_type").get(pk=record.pk)["record_type"],
        ]

    assert loaded == ["metric", "medium", "in_progress", "1rm"]
    assert [type(value) for value in loaded] == [str] * 4
