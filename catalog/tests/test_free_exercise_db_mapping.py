"""The mapping decisions, checked without the dataset (its import is tested against the real
file in test_import_free_exercise_db.py)."""

import pytest

from catalog.free_exercise_db import InvalidRecord, equipment_for, exercise_from_record


@pytest.mark.parametrize(
    ("name", "dataset_equipment", "expected"),
    [
        ("Pushups", "body only", ("Bodyweight",)),
        ("Bodyweight Walking Lunge", None, ("Bodyweight",)),
        ("Scapular Pull-Up", None, ("Pull-up Bar",)),
        ("Decline Crunch", "body only", ("Bench",)),
        ("Smith Machine Squat", "machine", ("Smith Machine",)),
        ("Smith Machine Incline Bench Press", "machine", ("Smith Machine", "Bench")),
        ("Smith Incline Shoulder Raise", "barbell", ("Smith Machine", "Bench")),
        ("Leverage Incline Chest Press", "machine", ("Machine",)),
        ("Reverse Barbell Preacher Curls", "e-z curl bar", ("EZ Curl Bar", "Bench")),
        ("Close-Grip EZ Bar Curl", "barbell", ("EZ Curl Bar",)),
        ("Trap Bar Deadlift", "other", ("Trap Bar",)),
        ("Squat with Plate Movers", "barbell", ("Barbell",)),
        ("Front Plate Raise", "other", ("Weight Plate",)),
        ("Ring Dips", "other", ("Suspension Trainer",)),
        ("Parallel Bar Dip", "other", ("Dip Bars",)),
        ("Bench Dips", "body only", ("Bench",)),
        ("Muscle Up", "other", ("Pull-up Bar",)),
        ("Reverse Band Box Squat", "barbell", ("Barbell", "Plyo Box", "Resistance Band")),
        ("IT Band and Glute Stretch", "other", ("Other",)),
        ("Air Bike", "body only", ("Bodyweight",)),
        ("Rowing, Stationary", "machine", ("Cardio Machine",)),
        ("Wrist Roller", "other", ("Other",)),
    ],
)
def test_equipment_comes_from_the_dataset_item_refined_by_the_name(
    name, dataset_equipment, expected
):
    assert equipment_for(name, dataset_equipment) == expected


def record(name, primary, secondary=()):
    return {
        "name": name,
        "equipment": "body only",
        "primaryMuscles": list(primary),
        "secondaryMuscles": list(secondary),
        "category": "strength",
    }


def test_rotation_and_side_bends_take_obliques_as_primary_where_abs_were_alone():
    twist = exercise_from_record(record("Russian Twist", ["abdominals"], ["lower back"]))
    side_plank = exercise_from_record(record("Push Up to Side Plank", ["chest"], ["abdominals"]))
    crunch = exercise_from_record(record("Crunches", ["abdominals"]))

    assert (twist.primary_muscle_groups, twist.secondary_muscle_groups) == (
        ("obliques",),
        ("abs", "lower_back"),
    )
    assert side_plank.primary_muscle_groups == ("chest",)
    assert side_plank.secondary_muscle_groups == ("abs", "obliques")
    assert crunch.primary_muscle_groups == ("abs",)


def test_dataset_muscles_map_onto_ours_without_repeating_a_primary_as_secondary():
    row = exercise_from_record(
        record("Bent Over Barbell Row", ["middle back"], ["lats", "middle back", "lats"])
    )

    assert row.primary_muscle_groups == ("upper_back",)
    assert row.secondary_muscle_groups == ("lats",)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name": None}, "has no name"),
        ({"primaryMuscles": []}, "has no primary muscle"),
        ({"primaryMuscles": ["pecs"]}, "unknown muscle 'pecs' in primaryMuscles"),
        ({"secondaryMuscles": [["chest"]]}, "unknown muscle"),
        ({"equipment": ["barbell"]}, "unknown equipment"),
        ({"category": None}, "unknown category None"),
    ],
)
def test_unusable_records_say_why(fields, reason):
    with pytest.raises(InvalidRecord, match=reason):
        exercise_from_record({**record("Floor Press", ["chest"]), **fields})
