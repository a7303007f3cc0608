import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Equipment, Exercise, ExerciseEquipment
from catalog.tests.factories import EquipmentFactory, ExerciseFactory

pytestmark = pytest.mark.django_db

CATALOG = {
    "equipment": [
        {"name": "Bodyweight", "description": "No equipment needed."},
        {"name": "Barbell", "description": "Olympic barbell with plates."},
        {"name": "Bench", "description": "Flat or adjustable bench."},
    ],
    "exercises": [
        {
            "name": "Bench Press",
            "primary_muscle_groups": ["chest"],
            "secondary_muscle_groups": ["triceps", "shoulders"],
            "equipment": ["Barbell", "Bench"],
            "default_weight_kg": "40",
            "default_reps": 8,
            "default_rest_time_seconds": 150,
            "aliases": ["BB Bench", "Flat Bench Press"],
        },
        {
            "name": "Back Squat",
            "primary_muscle_groups": ["quads", "glutes"],
            "secondary_muscle_groups": ["hamstrings", "lower_back"],
            "equipment": ["Barbell"],
            "default_weight_kg": "62.5",
            "default_reps": 5,
            "default_rest_time_seconds": 180,
            "aliases": ["Squat"],
        },
        {
            "name": "Push-Up",
            "primary_muscle_groups": ["chest"],
            "secondary_muscle_groups": [],
            "equipment": ["Bodyweight"],
            "default_weight_kg": "0",
            "default_reps": 15,
            "default_rest_time_seconds": 60,
            "aliases": [],
        },
    ],
}


@pytest.fixture
def catalog_file(tmp_path):
    def write(catalog) -> Path:
        path = tmp_path / "catalog.json"
        path.write_text(json.dumps(catalog), encoding="utf-8")
        return path

    return write


def load(path: Path) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("load_catalog", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def catalog_state():
    """Every stored value of the catalog, timestamps included."""
    return (
        list(Equipment.objects.order_by("pk").values()),
        list(Exercise.objects.order_by("pk").values()),
        sorted(ExerciseEquipment.objects.values_list("exercise__name", "equipment__name")),
    )


def links_of(name: str) -> set[str]:
    return set(
        ExerciseEquipment.objects.filter(exercise__name=name).values_list(
            "equipment__name", flat=True
        )
    )


def test_a_first_load_creates_the_equipment_exercises_and_links(catalog_file):
    stdout, stderr = load(catalog_file(CATALOG))

    assert "Equipment: 3 created, 0 updated, 0 unchanged, 0 skipped." in stdout
    assert "Exercises: 3 created, 0 updated, 0 unchanged, 0 skipped." in stdout
    assert stderr == ""
    bench_press = Exercise.objects.get(name="Bench Press")
    assert bench_press.primary_muscle_groups == ["chest"]
    assert bench_press.secondary_muscle_groups == ["triceps", "shoulders"]
    assert bench_press.default_weight == Decimal("40")
    assert (bench_press.default_reps, bench_press.default_rest_time_seconds) == (8, 150)
    assert bench_press.aliases == ["BB Bench", "Flat Bench Press"]
    assert Exercise.objects.get(name="Back Squat").default_weight == Decimal("62.5")
    assert links_of("Bench Press") == {"Barbell", "Bench"}
    assert links_of("Push-Up") == {"Bodyweight"}
    assert Equipment.objects.get(name="Barbell").description == "Olympic barbell with plates."


def test_a_second_run_changes_nothing(catalog_file):
    path = catalog_file(CATALOG)
    load(path)
    state = catalog_state()

    stdout, stderr = load(path)

    assert catalog_state() == state
    assert "Equipment: 0 created, 0 updated, 3 unchanged, 0 skipped." in stdout
    assert "Exercises: 0 created, 0 updated, 3 unchanged, 0 skipped." in stdout
    assert stderr == ""


def test_changed_fields_and_equipment_links_are_updated_matching_names_case_insensitively(
    catalog_file,
):
    load(catalog_file(CATALOG))
    untouched = Exercise.objects.get(name="Push-Up").updated_at
    changed = copy.deepcopy(CATALOG)
    bench_press = changed["exercises"][0]
    bench_press.update(
        name="Bench press", default_reps=5, equipment=["Bench", "Bodyweight"], aliases=["Bench"]
    )
    changed["equipment"][2]["description"] = "Adjustable bench."

    stdout, _ = load(catalog_file(changed))

    assert "Equipment: 0 created, 1 updated, 2 unchanged, 0 skipped." in stdout
    assert "Exercises: 0 created, 1 updated, 2 unchanged, 0 skipped." in stdout
    exercise = Exercise.objects.get(name__iexact="bench press")
    assert exercise.name == "Bench press"
    assert exercise.default_reps == 5
    assert exercise.aliases == ["Bench"]
    assert links_of("Bench press") == {"Bench", "Bodyweight"}
    assert Equipment.objects.get(name="Bench").description == "Adjustable bench."
    assert Exercise.objects.get(name="Push-Up").updated_at == untouched
    assert Exercise.objects.count() == 3


def test_a_change_of_equipment_links_alone_counts_as_an_update(catalog_file):
    load(catalog_file(CATALOG))
    changed = copy.deepcopy(CATALOG)
    changed["exercises"][1]["equipment"] = ["Barbell", "Bench"]

    stdout, _ = load(catalog_file(changed))

    assert "Exercises: 0 created, 1 updated, 2 unchanged, 0 skipped." in stdout
    assert links_of("Back Squat") == {"Barbell", "Bench"}


def test_bad_records_are_skipped_whole_and_reported_by_name_with_the_reason(catalog_file):
    catalog = copy.deepcopy(CATALOG)
    good = catalog["exercises"][0]
    catalog["exercises"] += [
        {**good, "name": "Pec Press", "primary_muscle_groups": ["pecs"]},
        {**good, "name": "Floor Press", "equipment": ["Barbell", "Floor"]},
        {**good, "name": "Board Press", "default_reps": 0},
        {**good, "name": "Pin Press", "primary_muscle_groups": []},
        {**good, "name": "Spoto Press", "default_weight_kg": 52.5},
        {**good, "name": "Larsen Press", "equipment": []},
        {**good, "name": "Dead Press", "colour": "red"},
        {**good, "name": "  "},
    ]

    stdout, stderr = load(catalog_file(catalog))

    assert "Exercises: 3 created, 0 updated, 0 unchanged, 8 skipped." in stdout
    assert "“Pec Press”: primary_muscle_groups: Item 1 in the array did not validate" in stderr
    assert "'pecs' is not a valid choice" in stderr
    assert "“Floor Press”: needs unknown equipment 'Floor'" in stderr
    assert "“Board Press”: Constraint “exercise_default_reps_range” is violated." in stderr
    assert "“Pin Press”: primary_muscle_groups: This field cannot be blank." in stderr
    assert "“Spoto Press”: default_weight_kg must be a number written as a string" in stderr
    assert "“Larsen Press”: lists no equipment" in stderr
    assert "“Dead Press”: has unknown fields: colour" in stderr
    assert "“exercise record 11”: has no name" in stderr
    assert set(Exercise.objects.values_list("name", flat=True)) == {
        "Bench Press",
        "Back Squat",
        "Push-Up",
    }
    assert ExerciseEquipment.objects.count() == 4


def test_a_bad_update_leaves_the_stored_exercise_and_its_links_as_they_were(catalog_file):
    load(catalog_file(CATALOG))
    state = catalog_state()
    broken = copy.deepcopy(CATALOG)
    broken["exercises"][0].update(equipment=["Bodyweight"], default_rest_time_seconds=4000)

    stdout, stderr = load(catalog_file(broken))

    assert "Exercises: 0 created, 0 updated, 2 unchanged, 1 skipped." in stdout
    assert "“Bench Press”: Constraint “exercise_default_rest_range” is violated." in stderr
    assert catalog_state() == state


def test_a_name_given_twice_in_any_case_is_skipped_the_second_time(catalog_file):
    catalog = copy.deepcopy(CATALOG)
    catalog["exercises"].append({**catalog["exercises"][2], "name": "PUSH-UP"})

    stdout, stderr = load(catalog_file(catalog))

    assert "Exercises: 3 created, 0 updated, 0 unchanged, 1 skipped." in stdout
    assert "“PUSH-UP”: appears twice in the file" in stderr
    assert Exercise.objects.get(name__iexact="push-up").name == "Push-Up"


def test_rows_missing_from_the_file_are_reported_and_kept(catalog_file):
    kettlebell = EquipmentFactory(name="Kettlebell")
    ExerciseFactory(name="Kettlebell Swing", equipment=[kettlebell])
    ExerciseFactory(name="Goblet Squat", equipment=[kettlebell])
    path = catalog_file(CATALOG)

    stdout, _ = load(path)
    listed = StringIO()
    call_command("load_catalog", str(path), verbosity=2, stdout=listed, stderr=StringIO())

    assert "2 in the database but not in the file, left as they are (-v 2 lists them)." in stdout
    assert "1 in the database but not in the file, left as they are: Kettlebell." in (
        listed.getvalue()
    )
    assert "left as they are: Goblet Squat, Kettlebell Swing." in listed.getvalue()
    assert links_of("Kettlebell Swing") == {"Kettlebell"}


def test_an_alias_that_names_another_stored_exercise_is_warned_about(catalog_file):
    ExerciseFactory(name="squat")

    _, stderr = load(catalog_file(CATALOG))

    assert "Warning: “squat” names or is an alias of several exercises: Back Squat, squat" in (
        stderr
    )


def test_aliases_shared_by_several_exercises_are_warned_about(catalog_file):
    catalog = copy.deepcopy(CATALOG)
    catalog["exercises"][2]["aliases"] = ["bb bench"]

    _, stderr = load(catalog_file(catalog))

    assert "Warning: “BB Bench” names or is an alias of several exercises: " in stderr
    assert "Bench Press, Push-Up" in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "The catalog must be a JSON object."),
        ('{"equipment": []}', 'The catalog needs an "exercises" list.'),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "catalog.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        load(path)
    assert not Exercise.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        load(tmp_path / "absent.json")


PROJECT_CATALOG = Path(apps.get_app_config("catalog").path) / "data" / "catalog.json"


@pytest.mark.skipif(not PROJECT_CATALOG.is_file(), reason="catalog/data/catalog.json is absent")
def test_the_project_catalog_loads_without_a_skipped_record_and_reloads_unchanged():
    stdout, stderr = StringIO(), StringIO()
    call_command("load_catalog", stdout=stdout, stderr=stderr)
    state = catalog_state()
    catalog = json.loads(PROJECT_CATALOG.read_text(encoding="utf-8"))

    assert "Skipped" not in stderr.getvalue()
    assert Exercise.objects.count() == len(catalog["exercises"])
    assert Equipment.objects.count() == len(catalog["equipment"])
    call_command("load_catalog", stdout=StringIO(), stderr=StringIO())
    assert catalog_state() == state
