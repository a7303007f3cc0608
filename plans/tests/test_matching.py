"""Matching written exercise names to a catalog, and the confidence thresholds."""

import json
import time

import pytest

from plans.matching import (
    CONFIDENCE_HIGH,
    CONFIDENCE_LOW,
    CONFIDENCE_MEDIUM,
    HIGH_MARGIN,
    HIGH_SCORE,
    MAX_ALTERNATIVES,
    MAX_CONVENTION_SHARE_FOR_MEDIUM,
    MEDIUM_MARGIN,
    MEDIUM_SCORE,
    CatalogEntry,
    CatalogMatcher,
    confidence_level,
    normalise_name,
)

# Names in the style of free-exercise-db, which has no aliases.
CATALOG_NAMES = (
    "Barbell Bench Press - Medium Grip",
    "Wide-Grip Barbell Bench Press",
    "Dumbbell Bench Press",
    "Incline Dumbbell Press",
    "Barbell Squat",
    "Front Barbell Squat",
    "Bodyweight Squat",
    "Barbell Deadlift",
    "Romanian Deadlift",
    "Standing Military Press",
    "Seated Barbell Military Press",
    "Pullups",
    "Chin-Up",
    "Bent Over Barbell Row",
    "One-Arm Dumbbell Row",
    "Inverted Row",
    "Wide-Grip Lat Pulldown",
    "Hammer Curls",
    "Dumbbell Bicep Curl",
    "Barbell Curl",
    "Lying Leg Curls",
    "Seated Leg Curl",
    "Triceps Pushdown",
    "Pushups",
    "Plank",
)


@pytest.fixture(scope="module")
def matcher():
    return CatalogMatcher(CatalogEntry(name) for name in CATALOG_NAMES)


@pytest.mark.parametrize(
    ("written", "spelled_out"),
    [
        ("DB Bench Press", "Dumbbell Bench Press"),
        ("BB Row", "Barbell Row"),
        ("OHP", "Military Press"),
        ("Overhead Press", "Military Press"),
        ("RDL", "Romanian Deadlift"),
        ("Hammer Curls", "Hammer Curl"),
        ("pullups", "Pull-up"),
        ("Pull Ups", "pull-up"),
        ("Skull Crushers", "Skullcrusher"),
        ("Tricep Pushdowns", "Triceps Pushdown"),
        ("Incline dumbell press", "Incline Dumbbell Press"),
        ("Farmer's Carries", "Farmers Walk"),
        ("Alt DB Curl", "Alternating Dumbbell Curl"),
    ],
)
def test_normalisation_unifies_abbreviations_spellings_and_plurals(written, spelled_out):
    assert normalise_name(written) == normalise_name(spelled_out)


def test_word_order_does_not_change_the_words():
    forms = ("Barbell Bench Press", "Bench Press, Barbell", "Bench Press (Barbell)")
    assert len({frozenset(normalise_name(form)) for form in forms}) == 1


@pytest.mark.parametrize(
    "written", ["Barbell Bench Press", "Bench Press, Barbell", "Bench Press - Medium Grip"]
)
def test_word_order_variants_match_the_same_entry(matcher, written):
    assert matcher.match(written).exercise == "Barbell Bench Press - Medium Grip"


@pytest.mark.parametrize(
    ("written", "exercise"),
    [
        ("Hammer Curls", "Hammer Curls"),
        ("DB Bench Press", "Dumbbell Bench Press"),
        ("Incline DB Press", "Incline Dumbbell Press"),
        ("Pull-ups", "Pullups"),
        ("Chin ups", "Chin-Up"),
        ("Tricep Pushdown", "Triceps Pushdown"),
        ("Push Ups", "Pushups"),
    ],
)
def test_a_clear_match_is_high(matcher, written, exercise):
    result = matcher.match(written)
    assert (result.exercise, result.confidence) == (exercise, CONFIDENCE_HIGH)


@pytest.mark.parametrize(
    ("written", "exercise"),
    [
        ("Squat", "Barbell Squat"),
        ("Bench Press", "Barbell Bench Press - Medium Grip"),
        ("Deadlifts", "Barbell Deadlift"),
        ("OHP", "Standing Military Press"),
        ("Leg Curl", "Lying Leg Curls"),
        ("Lat Pull Down", "Wide-Grip Lat Pulldown"),
        ("Bicep Curls", "Dumbbell Bicep Curl"),
    ],
)
def test_bare_names_take_the_conventional_variant_without_high_confidence(
    matcher, written, exercise
):
    result = matcher.match(written)
    assert result.exercise == exercise
    assert result.confidence != CONFIDENCE_HIGH  # the text did not say which variant


def test_named_equipment_beats_the_convention(matcher):
    assert matcher.match("Bodyweight Squats").exercise == "Bodyweight Squat"
    assert matcher.match("Front Squat").exercise == "Front Barbell Squat"


def test_a_near_tie_is_not_high():
    tied = CatalogMatcher(
        [CatalogEntry("Seated Hamstring Curl"), CatalogEntry("Standing Hamstring Curl")]
    )
    result = tied.match("Hamstring Curl")
    assert result.exercise in {"Seated Hamstring Curl", "Standing Hamstring Curl"}
    assert result.confidence == CONFIDENCE_LOW
    assert len(result.alternatives) == 1


def test_an_unknown_modifier_is_a_low_confidence_guess(matcher):
    result = matcher.match("Meadows Row")
    assert result.exercise is not None
    assert result.confidence == CONFIDENCE_LOW
    assert result.alternatives


def test_garbage_gets_no_exercise_but_low_confidence_and_alternatives(matcher):
    result = matcher.match("Zxqv Blorp")
    assert result.exercise is None
    assert result.confidence == CONFIDENCE_LOW
    assert 0 < len(result.alternatives) <= MAX_ALTERNATIVES


def test_empty_name(matcher):
    result = matcher.match("   ")
    assert (result.exercise, result.confidence) == (None, CONFIDENCE_LOW)


def test_alternatives_are_ranked_other_names(matcher):
    result = matcher.match("Dumbbell Row")
    assert result.exercise == "One-Arm Dumbbell Row"
    assert result.exercise not in result.alternatives
    assert len(result.alternatives) == len(set(result.alternatives)) <= MAX_ALTERNATIVES
    assert result.alternatives[0] in {"Bent Over Barbell Row", "Dumbbell Bench Press"}


def test_or_names_match_the_first_option_and_offer_the_others(matcher):
    result = matcher.match("Pulldowns OR Pullups OR chinups")
    assert result.exercise == "Wide-Grip Lat Pulldown"
    assert {"Pullups", "Chin-Up"} <= set(result.alternatives)


def test_or_names_fall_back_to_a_better_option(matcher):
    assert matcher.match("Table or doorframe row").exercise == "Inverted Row"
    assert matcher.match("Zzyzx or plank").exercise == "Plank"


def test_aliases_match_exactly_and_with_high_confidence():
    catalog = CatalogMatcher(
        [
            CatalogEntry("Overhead Press", ("OHP", "Military Press")),
            CatalogEntry("Push Press"),
            CatalogEntry("Pull-Up", ("Pullups", "Chins")),
        ]
    )
    assert catalog.match("ohp").exercise == "Overhead Press"
    assert catalog.match("ohp").confidence == CONFIDENCE_HIGH
    assert catalog.match("pull ups").exercise == "Pull-Up"


def test_from_free_exercise_db_reads_the_names(tmp_path):
    path = tmp_path / "exercises.json"
    records = [
        {"id": "Barbell_Squat", "name": "Barbell Squat", "equipment": "barbell"},
        {"id": "Plank", "name": "Plank", "equipment": "body only"},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    catalog = CatalogMatcher.from_free_exercise_db(path)
    assert catalog.match("Squats").exercise == "Barbell Squat"
    assert catalog.match("plank").exercise == "Plank"


@pytest.mark.parametrize(
    ("score", "margin", "share", "level"),
    [
        (HIGH_SCORE, HIGH_MARGIN, 0.0, CONFIDENCE_HIGH),
        (100, 100, 0.0, CONFIDENCE_HIGH),
        (HIGH_SCORE - 0.1, HIGH_MARGIN, 0.0, CONFIDENCE_MEDIUM),
        (HIGH_SCORE, HIGH_MARGIN - 0.1, 0.0, CONFIDENCE_MEDIUM),
        (MEDIUM_SCORE, MEDIUM_MARGIN, 0.0, CONFIDENCE_MEDIUM),
        (MEDIUM_SCORE - 0.1, 50, 0.0, CONFIDENCE_LOW),
        (100, MEDIUM_MARGIN - 0.1, 0.0, CONFIDENCE_LOW),
        # Words supplied by convention cap the level.
        (100, 100, 0.2, CONFIDENCE_MEDIUM),
        (100, 100, MAX_CONVENTION_SHARE_FOR_MEDIUM + 0.01, CONFIDENCE_LOW),
    ],
)
def test_confidence_thresholds(score, margin, share, level):
    assert confidence_level(score, margin, share) == level


def test_matching_many_names_against_a_large_catalog_is_fast():
    equipment = ("Barbell", "Dumbbell", "Cable", "Machine", "Kettlebell", "Smith Machine")
    styles = ("", "Incline", "Decline", "Seated", "Standing", "Single-Arm", "Wide-Grip")
    movements = (
        "Bench Press", "Row", "Curl", "Squat", "Deadlift", "Lunge", "Shoulder Press",
        "Fly", "Shrug", "Lateral Raise", "Triceps Extension", "Pullover", "Calf Raise",
        "Hip Thrust", "Good Morning", "Split Squat", "Upright Row", "Front Raise",
        "Reverse Fly", "Kickback", "Crunch",
    )  # fmt: skip
    names = [
        " ".join(part for part in (style, kit, movement) if part)
        for kit in equipment
        for style in styles
        for movement in movements
    ]
    catalog = CatalogMatcher(CatalogEntry(name) for name in names)
    written = [name.lower().replace("dumbbell", "DB") + "s" for name in names]
    start = time.process_time()
    results = [catalog.match(name) for name in written]
    elapsed = time.process_time() - start
    assert len(names) > 850
    assert sum(result.exercise is not None for result in results) == len(names)
    assert elapsed < 5  # about half a millisecond a name; the bound allows a loaded machine


def test_a_name_or_alias_written_out_is_a_high_confidence_match_however_close_others_score():
    # "bench" weighs like an equipment word, so "Bench Press" scores as high against
    # "Machine Press" as against itself; naming the exercise outright settles it.
    matcher = CatalogMatcher(
        [
            CatalogEntry("Bench Press", ("Bench", "Flat Bench Press")),
            CatalogEntry("Machine Chest Press", ("Machine Press", "Chest Press")),
        ]
    )
    for written in ("Bench Press", "bench presses", "FLAT BENCH PRESS", "bench"):
        result = matcher.match(written)
        assert (result.exercise, result.confidence) == ("Bench Press", "high"), written
        assert result.alternatives == ["Machine Chest Press"]
    assert matcher.match("Chest press").exercise == "Machine Chest Press"
