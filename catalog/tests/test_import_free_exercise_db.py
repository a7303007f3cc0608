import json
import os
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Equipment, Exercise, ExerciseEquipment
from catalog.tests.factories import EquipmentFactory, ExerciseFactory

pytestmark = pytest.mark.django_db

SHARED_DATA = Path(
    os.environ.get("ALLWORKOUTS_SHARED_DATA", Path(settings.BASE_DIR).parent / "shared" / "data")
)
FREE_EXERCISE_DB = SHARED_DATA / "free-exercise-db.json"
needs_the_dataset = pytest.mark.skipif(
    not FREE_EXERCISE_DB.is_file(),
    reason=f"{FREE_EXERCISE_DB} is absent (set ALLWORKOUTS_SHARED_DATA to its folder)",
)


def record(name, **fields):
    return {
        "id": name.replace(" ", "_"),
        "name": name,
        "force": "push",
        "level": "beginner",
        "mechanic": "compound",
        "equipment": "barbell",
        "primaryMuscles": ["chest"],
        "secondaryMuscles": ["triceps"],
        "category": "strength",
        **fields,
    }


@pytest.fixture
def dataset_file(tmp_path):
    def write(records) -> Path:
        path = tmp_path / "exercises.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        return path

    return write


def run_import(path: Path, *options) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_free_exercise_db", str(path), *options, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def catalog_state():
    return (
        list(Equipment.objects.order_by("pk").values()),
        list(Exercise.objects.order_by("pk").values()),
        sorted(ExerciseEquipment.objects.values_list("exercise__name", "equipment__name")),
    )


def equipment_of(name: str) -> set[str]:
    return set(Exercise.objects.get(name=name).equipment.values_list("name", flat=True))


@needs_the_dataset
def test_the_dataset_imports_its_strength_type_categories_and_a_second_run_changes_nothing():
    stdout, stderr = run_import(FREE_EXERCISE_DB)

    assert "Read 873 records." in stdout
    assert "Total: 736 created, 0 updated, 0 unchanged" in stdout
    assert "  strength: 581 created" in stdout
    assert "  stretching: 123 not imported (category not selected)" in stdout
    assert "  cardio: 14 not imported (category not selected)" in stdout
    assert stderr == ""
    assert Exercise.objects.count() == 736
    assert not Exercise.objects.filter(name="Hamstring Stretch").exists()

    russian_twist = Exercise.objects.get(name="Russian Twist")
    assert russian_twist.primary_muscle_groups == ["obliques"]
    assert russian_twist.secondary_muscle_groups == ["abs", "lower_back"]
    row = Exercise.objects.get(name="Bent Over Barbell Row")
    assert row.primary_muscle_groups == ["upper_back"]
    assert row.secondary_muscle_groups == ["biceps", "lats", "shoulders"]
    assert equipment_of("Smith Machine Squat") == {"Smith Machine"}
    assert equipment_of("Smith Machine Bench Press") == {"Smith Machine", "Bench"}
    assert equipment_of("Pushups") == {"Bodyweight"}
    assert equipment_of("Bodyweight Walking Lunge") == {"Bodyweight"}
    assert equipment_of("Scapular Pull-Up") == {"Pull-up Bar"}
    assert equipment_of("Ring Dips") == {"Suspension Trainer"}
    assert equipment_of("Reverse Barbell Preacher Curls") == {"EZ Curl Bar", "Bench"}
    assert equipment_of("Trap Bar Deadlift") == {"Trap Bar"}
    assert equipment_of("Air Bike") == {"Bodyweight"}
    assert Exercise.objects.get(name="Pushups").default_weight == Decimal(0)

    state = catalog_state()
    again, _ = run_import(FREE_EXERCISE_DB)
    assert catalog_state() == state
    updated, _ = run_import(FREE_EXERCISE_DB, "--update")
    assert catalog_state() == state
    assert "Total: 0 created, 0 updated, 0 unchanged, 736 already in the catalog" in again
    assert "Total: 0 created, 0 updated, 736 unchanged" in updated


def test_missing_equipment_is_created_and_present_equipment_reused(dataset_file):
    barbell = EquipmentFactory(name="barbell", description="Ours.")

    stdout, _ = run_import(
        dataset_file(
            [
                record("Smith Machine Incline Bench Press", equipment="machine"),
                record("Barbell Floor Press"),
            ]
        )
    )

    assert "Equipment created: Smith Machine, Bench" in stdout
    assert Equipment.objects.get(pk=barbell.pk).description == "Ours."
    assert equipment_of("Barbell Floor Press") == {"barbell"}
    assert equipment_of("Smith Machine Incline Bench Press") == {"Smith Machine", "Bench"}


def test_an_existing_name_is_kept_unless_update_which_changes_only_muscles_and_equipment(
    dataset_file,
):
    barbell, dumbbell = EquipmentFactory(name="Barbell"), EquipmentFactory(name="Dumbbell")
    ExerciseFactory(
        name="Barbell Curl",
        primary_muscle_groups=["forearms"],
        aliases=["BB Curl"],
        default_reps=12,
        equipment=[dumbbell],
    )
    path = dataset_file(
        [record("barbell curl", primaryMuscles=["biceps"], secondaryMuscles=["forearms"])]
    )

    kept, _ = run_import(path)
    assert Exercise.objects.get(name="Barbell Curl").primary_muscle_groups == ["forearms"]
    updated, _ = run_import(path, "--update")

    assert "strength: 1 already in the catalog (kept; --update to update)" in kept
    assert "strength: 1 updated" in updated
    curl = Exercise.objects.get()
    assert curl.name == "Barbell Curl"
    assert curl.primary_muscle_groups == ["biceps"]
    assert curl.secondary_muscle_groups == ["forearms"]
    assert (curl.aliases, curl.default_reps) == (["BB Curl"], 12)
    assert list(curl.equipment.all()) == [barbell]


def test_a_name_that_is_an_alias_of_a_catalog_exercise_is_not_imported(dataset_file):
    ExerciseFactory(name="Back Squat", aliases=["Barbell Squat"], primary_muscle_groups=["quads"])

    stdout, _ = run_import(
        dataset_file([record("Barbell Squat", primaryMuscles=["quadriceps"])]), "--update", "-v2"
    )

    assert "strength: 1 alias of a catalog exercise" in stdout
    assert "“Barbell Squat” is an alias of “Back Squat”" in stdout
    assert list(Exercise.objects.values_list("name", "primary_muscle_groups")) == [
        ("Back Squat", ["quads"])
    ]


def test_bad_records_are_skipped_and_reported_and_nothing_of_them_is_written(dataset_file):
    records = [
        record("Floor Press"),
        record("  "),
        record("Pec Press", primaryMuscles=["pecs"]),
        record("Air Press", primaryMuscles=[]),
        record("Hover Press", primaryMuscles="chest"),
        record("Rope Press", equipment="rope"),
        record("Yoga Press", category="yoga"),
        record("FLOOR PRESS", equipment="dumbbell"),
        record("Press " + "x" * 120),
        "Bench Press",
    ]

    stdout, stderr = run_import(dataset_file(records))

    assert "Total: 1 created, 0 updated, 0 unchanged, 0 already in the catalog" in stdout
    assert "9 skipped" in stdout
    for expected in [
        "“record 2 (id __)”: has no name",
        "“Pec Press”: unknown muscle 'pecs' in primaryMuscles",
        "“Air Press”: has no primary muscle",
        "“Hover Press”: primaryMuscles is not a list",
        "“Rope Press”: unknown equipment 'rope'",
        "“Yoga Press”: unknown category 'yoga'",
        "“FLOOR PRESS”: appears twice in the file",
        "“Press xxx",
        "“record 10”: is not a JSON object",
    ]:
        assert expected in stderr
    assert "name: Ensure this value has at most 120 characters" in stderr
    assert list(Exercise.objects.values_list("name", flat=True)) == ["Floor Press"]
    assert sorted(ExerciseEquipment.objects.values_list("exercise__name", flat=True)) == [
        "Floor Press"
    ]


def test_categories_can_be_chosen(dataset_file):
    path = dataset_file([record("Chest Stretch", category="stretching"), record("Floor Press")])

    stdout, _ = run_import(path, "--categories", "stretching")

    assert "stretching: 1 created" in stdout
    assert "strength: 1 not imported (category not selected)" in stdout
    assert list(Exercise.objects.values_list("name", flat=True)) == ["Chest Stretch"]
    run_import(path, "--categories", "all")
    assert Exercise.objects.count() == 2


def test_an_unknown_category_option_is_refused(dataset_file):
    with pytest.raises(CommandError, match="Unknown categories: yoga"):
        run_import(dataset_file([record("Floor Press")]), "--categories", "strength,yoga")


def test_a_file_that_is_not_a_list_is_refused(dataset_file):
    with pytest.raises(CommandError, match="JSON list of exercises"):
        run_import(dataset_file({"exercises": []}))
