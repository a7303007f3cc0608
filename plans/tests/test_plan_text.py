"""The local plan-text parser: the formats people write plans in. No database needed."""

import time

import hypothesis
import pytest
from hypothesis import strategies

from plans.plan_text import ParsedExercise, parse_plan_text


def only(text: str) -> ParsedExercise:
    exercises = parse_plan_text(text)
    assert len(exercises) == 1, exercises
    return exercises[0]


def summary(exercise: ParsedExercise) -> tuple:
    return (
        exercise.name_as_written,
        exercise.sets,
        exercise.reps_min,
        exercise.reps_max,
        exercise.rest_seconds,
    )


def summaries(text: str) -> list[tuple]:
    return [summary(exercise) for exercise in parse_plan_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bench Press 3x8-12", ("Bench Press", 3, 8, 12, None)),
        ("3 x 10 Lat Pulldown", ("Lat Pulldown", 3, 10, 10, None)),
        ("Squat: 5 sets of 5", ("Squat", 5, 5, 5, None)),
        ("Dips 5 reps x 3 sets", ("Dips", 3, 5, 5, None)),
        ("Rows 4\u00d78 (90s rest)", ("Rows", 4, 8, 8, 90)),
        ("Curls - 3 sets, 10-12 reps, rest 1:00", ("Curls", 3, 10, 12, 60)),
        ("Leg Press  3 sets 12-15 reps", ("Leg Press", 3, 12, 15, None)),
        ("Chin-Ups; 4 sets of 8", ("Chin-Ups", 4, 8, 8, None)),
        ("Front Squat: 6 sets 6 reps. 45-60 second rest", ("Front Squat", 6, 6, 6, 45)),
        ("Hack Squat 4 x 8 @ 140kg", ("Hack Squat", 4, 8, 8, None)),
        ("Face Pulls 3 sets x 15 reps at RPE 8", ("Face Pulls", 3, 15, 15, None)),
        ("Good Morning - 3 sets of 8 reps - 2 min rest", ("Good Morning", 3, 8, 8, 120)),
        ("4 sets of 6-8 reps - Incline Bench", ("Incline Bench", 4, 6, 8, None)),
        ("5 sets: Barbell row x6 reps @30X1", ("Barbell row", 5, 6, 6, None)),
        ("Calf Raise, 4 sets, 15 reps, 0:45 rest, 60% int", ("Calf Raise", 4, 15, 15, 45)),
        ("Goblet Squat 3 x 10 (rest 1 min)", ("Goblet Squat", 3, 10, 10, 60)),
        ("Romanian deadlifts 3x10 rest 2mins", ("Romanian deadlifts", 3, 10, 10, 120)),
        ("Lunges 3 x 12 each leg", ("Lunges", 3, 12, 12, None)),
        ("Shrugs 3 x 15, 30-45 rest", ("Shrugs", 3, 15, 15, 30)),
    ],
)
def test_name_sets_reps_and_rest_in_common_formats(text, expected):
    assert summary(only(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Squat 3 sets 5 reps",
        "Squat 3 sets 5 rep",
        "Squat 3 sets 5 rps",
        "Squat 3 sets of 5",
        "Squat 3 x 5",
        "Squat 3X5",
        "Squat 3 \u00d7 5",
        "Squat 3\u00d75",
    ],
)
def test_reps_units_and_multiplication_signs(text):
    assert summary(only(text)) == ("Squat", 3, 5, 5, None)


@pytest.mark.parametrize(
    ("rest", "seconds"),
    [
        ("rest 90 sec", 90),
        ("rest 90 secs", 90),
        ("rest 90s", 90),
        ("rest 90 seconds", 90),
        ("2 min rest", 120),
        ("2 mins rest", 120),
        ("2 minutes rest", 120),
        ("2:00 rest", 120),
        ("1:30 Rest", 90),
        ('1"30 rest', 90),
        ("no rest", 0),
    ],
)
def test_rest_units_and_typos(rest, seconds):
    assert only(f"Bench Press 3x8, {rest}").rest_seconds == seconds


def test_rest_range_keeps_its_lower_bound_and_the_maximum():
    exercise = only("Deadlift 3x3, rest 2-3 min")
    assert (exercise.rest_seconds, exercise.rest_seconds_max) == (120, 180)


def test_plus_reps_are_open_ended_and_amrap():
    exercise = only("Deadlift 1x5+")
    assert (exercise.sets, exercise.reps_min, exercise.reps_max) == (1, 5, None)
    assert exercise.amrap


@pytest.mark.parametrize(
    "text", ["Pull-ups 3 sets AMRAP", "Pull-ups 3xAMRAP", "Pull-ups: 3 sets x FAILURE"]
)
def test_amrap_sets_have_no_rep_count(text):
    exercise = only(text)
    assert (exercise.name_as_written, exercise.sets, exercise.reps_min) == ("Pull-ups", 3, None)
    assert exercise.amrap


def test_fixed_sets_then_an_amrap_set_add_up():
    exercise = only("Barbell Row 4x5, 1x5+")
    assert (exercise.sets, exercise.reps_min, exercise.reps_max) == (5, 5, 5)
    assert exercise.amrap_last_set


def test_set_range_counts_the_lower_number_and_keeps_the_range():
    exercise = only("Dips, 3-4 sets, 8-10 reps")
    assert (exercise.sets, exercise.sets_max) == (3, 4)
    assert "3-4 sets" in exercise.notes


def test_set_range_in_words():
    exercise = only("Weighted Chins..........4 to 6 sets of 6-8 reps")
    assert summary(exercise) == ("Weighted Chins", 4, 6, 8, None)
    assert exercise.sets_max == 6


@pytest.mark.parametrize(
    "text", ["Plank 3 x 30s", "Plank 3 x 30 sec", "Plank: 3 sets of 30 seconds"]
)
def test_timed_holds_have_a_duration_instead_of_reps(text):
    exercise = only(text)
    assert (exercise.sets, exercise.reps_min, exercise.duration_seconds) == (3, None, 30)


def test_per_set_reps_give_the_range():
    exercise = only("Incline Press 4 sets of 12, 10, 8, 6 reps")
    assert summary(exercise) == ("Incline Press", 4, 6, 12, None)
    assert exercise.reps_per_set == (12, 10, 8, 6)


def test_slash_separated_reps_are_one_set_each():
    assert summary(only("Overhead Press: 5/3/1")) == ("Overhead Press", 3, 1, 5, None)


def test_per_side_reps():
    assert only("Single-arm row, 3 sets, 10 reps per side").per_side


@pytest.mark.parametrize("bullet", ["- ", "* ", "\u2022 ", "1. ", "1) ", "A. ", "  - "], ids=repr)
def test_bullets_and_list_numbers_are_not_part_of_the_name(bullet):
    assert summary(only(f"{bullet}Hammer Curls 3x12")) == ("Hammer Curls", 3, 12, 12, None)


def test_numbered_list():
    text = "1. Squat 3x5\n2. Bench Press 3x5\n3) Barbell Row 3x8\n10. Plank 3 x 45s"
    assert [exercise.name_as_written for exercise in parse_plan_text(text)] == [
        "Squat",
        "Bench Press",
        "Barbell Row",
        "Plank",
    ]


def test_superset_labels_group_exercises():
    text = (
        "A1. Squat, 3 sets, 6-8 reps, 1:30 rest\n"
        "A2. Leg Curl, 3 sets, 10 reps, 1:30 rest\n"
        "B1. Pull-up 3x8\n"
        "B2. Dip 3x8\n"
        "C. Farmer's Walk, 3 sets, 1 rep"
    )
    groups = [(e.name_as_written, e.superset_group) for e in parse_plan_text(text)]
    assert groups == [
        ("Squat", "A"),
        ("Leg Curl", "A"),
        ("Pull-up", "B"),
        ("Dip", "B"),
        ("Farmer's Walk", None),
    ]


def test_superset_written_in_the_name_makes_two_exercises():
    assert summaries("Cable Rows Superset w/ Straight-Arm Pulldowns; 3 sets of 12 reps") == [
        ("Cable Rows", 3, 12, 12, None),
        ("Straight-Arm Pulldowns", 3, 12, 12, None),
    ]


def test_markdown_table():
    text = (
        "| Pattern | Exercise | Sets | Reps | Rest |\n"
        "|---|---|---|---|---|\n"
        "| Squat | Goblet Squat | 3 | 10 | 90 sec |\n"
        "| Push | Push-up | 3 | AMRAP | 90 sec |\n"
        "| Core | Side plank | 2 | 30 sec | 1 min |\n"
    )
    exercises = parse_plan_text(text)
    assert [summary(exercise) for exercise in exercises] == [
        ("Goblet Squat", 3, 10, 10, 90),
        ("Push-up", 3, None, None, 90),
        ("Side plank", 2, None, None, 60),
    ]
    assert exercises[1].amrap
    assert exercises[2].duration_seconds == 30


def test_plain_text_tables_with_spaces_or_tabs():
    spaced = (
        "Exercise            Sets   Reps    Rest\n"
        "Front Squat         4      6       2 min\n"
        "Romanian Deadlift   3      8-10    90s\n"
    )
    tabbed = "Exercise\tSets\tReps\nFront Squat\t4\t6\nRomanian Deadlift\t3\t8-10\n"
    assert summaries(spaced) == [
        ("Front Squat", 4, 6, 6, 120),
        ("Romanian Deadlift", 3, 8, 10, 90),
    ]
    assert summaries(tabbed) == [
        ("Front Squat", 4, 6, 6, None),
        ("Romanian Deadlift", 3, 8, 10, None),
    ]


def test_table_with_a_combined_sets_and_reps_column():
    text = "Exercise | Sets x Reps | Rest\nSquat | 4x6 | 3 min\nLeg Extension | 3x12-15 | 60s"
    assert summaries(text) == [("Squat", 4, 6, 6, 180), ("Leg Extension", 3, 12, 15, 60)]


def test_headers_are_skipped():
    text = (
        "Week 1\n"
        "## Monday\n"
        "Push Day\n"
        "Day 2 - Upper\n"
        "Phase 1 (Weeks 1-4)\n"
        "Madcow 5\u00d75 Workout B\n"
        "Bench Press 5x5\n"
    )
    assert summaries(text) == [("Bench Press", 5, 5, 5, None)]


def test_a_header_named_like_an_exercise_is_not_an_exercise():
    text = "## Deadlift\nA. Deadlift, 3 sets, 5 reps, 3:00 rest\nB. Leg Curl, 3 sets, 10 reps"
    assert summaries(text) == [("Deadlift", 3, 5, 5, 180), ("Leg Curl", 3, 10, 10, None)]


def test_heading_before_a_colon_with_exercises_after_it():
    text = "Mon: Squat 5x5, Leg press 3x10\nThu: Deadlift 1x5"
    assert summaries(text) == [
        ("Squat", 5, 5, 5, None),
        ("Leg press", 3, 10, 10, None),
        ("Deadlift", 1, 5, 5, None),
    ]


def test_notes_and_prose_are_skipped():
    text = (
        "Hey all, here's what I've been running for 8 weeks.\n"
        "Squat 5x5\n"
        "Notes: I do 2 sets of 10 with the empty bar first.\n"
        "\n"
        "I usually warm up with an empty bar for 2 sets of 10 and then add weight.\n"
        "Any ideas? I also do dips after bench, usually 3 sets to failure.\n"
        "5 minutes cardio/stretching\n"
    )
    assert summaries(text) == [("Squat", 5, 5, 5, None)]


def test_exercises_stated_in_sentences():
    text = "Next came leg press, purely for size, 5 sets of 10 and 5 plates a side."
    assert summaries(text) == [("leg press", 5, 10, 10, None)]


def test_name_line_followed_by_its_scheme_line():
    text = "Incline Barbell Press:\n4 sets x 10, 10, 6, 6 reps\nDumbbell Flyes\n5 sets of 12 reps"
    assert summaries(text) == [
        ("Incline Barbell Press", 4, 6, 10, None),
        ("Dumbbell Flyes", 5, 12, 12, None),
    ]


def test_nested_bullets_with_load_and_reps_per_set():
    text = (
        "\u2022 Deadlift\n"
        "    \u2022 225 lbs x 5 reps\n"
        "    \u2022 275 lbs x 3 reps\n"
        "\u2022 Barbell Row\n"
        "    \u2022 135 lbs, 4 sets x 8 reps\n"
    )
    assert summaries(text) == [("Deadlift", 2, 3, 5, None), ("Barbell Row", 4, 8, 8, None)]


def test_logbook_lines_count_each_logged_set():
    text = "Bench Press 135X10X10, 155X8, 175X6\nRows - 60kg x 12, 70kg x 10, 10"
    assert summaries(text) == [("Bench Press", 4, 6, 10, None), ("Rows", 3, 10, 12, None)]


def test_logged_drops_separated_by_semicolons_are_one_set():
    text = "Leg curls\n40lb x 12\n60lb x 6; 40lb x 6 (dropped the weight)"
    assert summaries(text) == [("Leg curls", 2, 12, 12, None)]


def test_sets_header_applies_to_the_lines_below_it():
    text = "3 rounds:\n10 push-ups\n15 air squats\n\nPlank 3 x 30s"
    exercises = parse_plan_text(text)
    assert [summary(exercise) for exercise in exercises][:2] == [
        ("push-ups", 3, 10, 10, None),
        ("air squats", 3, 15, 15, None),
    ]
    assert exercises[2].sets == 3


def test_rest_line_covers_the_exercises_of_its_block():
    text = "Squat 3x5\nBench 3x5\nRest 2 min between sets.\n\nCurls 3x12"
    assert [exercise.rest_seconds for exercise in parse_plan_text(text)] == [120, 120, None]


def test_alternation_after_a_scheme_is_two_exercises():
    assert summaries("Deadlift 1x5+/Barbell Row 3x8") == [
        ("Deadlift", 1, 5, None, None),
        ("Barbell Row", 3, 8, 8, None),
    ]


def test_fields_separated_by_slashes():
    text = "Squat / 2x5, 1x5+ / 100kg / progress: lp(2.5kg, 3)"
    assert summaries(text) == [("Squat", 3, 5, 5, None)]


def test_repeated_exercise_between_others_adds_up_its_sets():
    text = "5x5 goblet squats\n10 pull ups\n5x10 push-ups\n10 pull ups\n3x20 lunges\n10 pull ups"
    assert ("pull ups", 3, 10, 10, None) in summaries(text)


def test_same_exercise_on_different_days_stays_separate():
    text = "Day 1\nSquat 3x5\nDay 2\nSquat 3x5"
    assert len(parse_plan_text(text)) == 2


def test_total_reps_target_gives_no_sets_or_reps():
    exercise = only("Chin-Up\n50 Total Reps")
    assert (exercise.sets, exercise.reps_min, exercise.total_reps) == (None, None, 50)


def test_variant_in_a_short_parenthetical_stays_in_the_name():
    names = [e.name_as_written for e in parse_plan_text("Hack Squat (narrow stance) 4x8")]
    assert names == ["Hack Squat (narrow stance)"]


def test_empty_and_noise_texts_give_nothing():
    for text in ("", "   \n\n", "---", "Week 3", "x", "()", "| a | b |"):
        assert parse_plan_text(text) == []


# Pieces of plans, shuffled into texts nobody would write, to shake out crashes.
PLAN_FRAGMENTS = (
    *("Squat", "Bench", "3x5", "5+", "sets", "reps", "rest", "1:30", "135", "lbs", "x"),
    *("(", ")", "|", ",", ";", "/", "@", "\u00d7", "\u2026", "\n", "\n\n", "- ", "A1."),
    *("AMRAP", "Superset", "Day 1", "Notes:", "I", "3 sets:", "or"),
)


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(strategies.lists(strategies.sampled_from(PLAN_FRAGMENTS)).map(" ".join))
def test_any_text_parses_into_named_exercises(text):
    for exercise in parse_plan_text(text):
        assert exercise.name_as_written.strip()


def test_parsing_is_deterministic():
    text = "Squat 5x5\nBench 3x8, rest 90s\n| Exercise | Sets | Reps |\n| Row | 3 | 10 |"
    assert parse_plan_text(text) == parse_plan_text(text)


def test_a_long_text_parses_quickly():
    block = (
        "## Day 1\n"
        "A. Bench Press, 3-4 sets, 3-5 reps, 2:00 rest\n"
        "Incline Dumbbell Press 3x8-12 (90s rest)\n"
        "Lat Pulldown: 4 sets of 10, rest 1:30\n"
        "- Face Pulls 3x15-20\n"
        "Leg press\n180lb x 10\n270lb x 10, 10\n"
        "I rest about 2 minutes between sets on the big lifts and go to failure on the last.\n"
        "| Exercise | Sets | Reps |\n|---|---|---|\n| Plank | 3 | 45 sec |\n\n"
    )
    text = (block * (20_000 // len(block) + 1))[:20_000]
    parse_plan_text(text)  # warm the regex caches
    # CPU time, best of three: the goal is well under 100 ms; the bound leaves room for a
    # loaded machine.
    timings = []
    for _ in range(3):
        start = time.process_time()
        parse_plan_text(text)
        timings.append(time.process_time() - start)
    assert min(timings) < 0.1
