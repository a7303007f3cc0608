"""Parsing a pasted plan for review: Claude or the built-in parser, then the database catalog."""

import json

import pytest

from catalog.services import catalog_row_retire
from catalog.tests.factories import ExerciseFactory
from plans import claude
from plans.importing import ReviewRow, parse_for_review, review_row_to_json
from plans.tests.test_claude import FakeAnthropicAPI, message, replying, timing_out, tool_call

PLAN = """Push day
Bench Press 3x8-12
DB Bench 3x10, rest 90s
Squats 5x5 rest 3 min
Pull-ups 3 sets AMRAP
Barbell curl 3x10"""


@pytest.fixture
def catalog(db):
    exercises = {
        "bench": ExerciseFactory(
            name="Barbell Bench Press - Medium Grip", aliases=["Bench Press", "BP"]
        ),
        "db_bench": ExerciseFactory(name="Dumbbell Bench Press"),
        "incline": ExerciseFactory(name="Incline Dumbbell Press"),
        "squat": ExerciseFactory(name="Barbell Squat", aliases=["Back Squat"]),
        "pullup": ExerciseFactory(name="Pullups", aliases=["Pull-ups", "Pull Up"]),
        "curl": ExerciseFactory(name="Barbell Curl"),
        "db_curl": ExerciseFactory(name="Dumbbell Bicep Curl"),
    }
    catalog_row_retire(row=exercises["curl"])
    return exercises


@pytest.fixture
def without_claude(settings):
    settings.ANTHROPIC_API_KEY = ""


@pytest.fixture
def claude_api(settings, monkeypatch):
    """Claude switched on, the real client sending to a fake API: set `claude_api.respond`."""
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    api = FakeAnthropicAPI(timing_out)
    send = claude.parse_plan_with_claude
    monkeypatch.setattr(
        claude,
        "parse_plan_with_claude",
        lambda *, text: send(text=text, http_client=api.http_client()),
    )
    return api


def rows_by_name(result):
    return {row.name_as_written: row for row in result.rows}


@pytest.mark.usefixtures("without_claude")
def test_without_a_key_the_built_in_parser_reads_the_text(catalog):
    result = parse_for_review(text=PLAN)

    assert (result.parser, result.notice) == ("local", None)
    assert [
        (row.name_as_written, row.sets, row.reps_min, row.reps_max, row.rest_seconds)
        for row in result.rows
    ] == [
        ("Bench Press", 3, 8, 12, None),
        ("DB Bench", 3, 10, 10, 90),
        ("Squats", 5, 5, 5, 180),
        ("Pull-ups", 3, None, None, None),
        ("Barbell curl", 3, 10, 10, None),
    ]


@pytest.mark.usefixtures("without_claude")
def test_names_are_matched_to_the_catalog_by_name_and_alias(catalog):
    rows = rows_by_name(parse_for_review(text=PLAN))

    bench, pullup, squat = catalog["bench"], catalog["pullup"], catalog["squat"]
    assert (rows["Bench Press"].exercise_id, rows["Bench Press"].exercise_name) == (
        bench.id,
        bench.name,
    )
    assert rows["Bench Press"].confidence == "high"
    assert rows["Bench Press"].score == 100
    assert (rows["Pull-ups"].exercise_id, rows["Pull-ups"].confidence) == (pullup.id, "high")
    assert rows["Squats"].exercise_id == squat.id
    # "Squats" says nothing of the barbell: only gym convention supplies it.
    assert rows["Squats"].confidence == "medium"


@pytest.mark.usefixtures("without_claude")
def test_alternatives_are_catalog_ids_and_names_best_first_without_the_match(catalog):
    row = rows_by_name(parse_for_review(text=PLAN))["DB Bench"]

    assert (row.exercise_id, row.confidence) == (catalog["db_bench"].id, "high")
    bench = catalog["bench"]
    assert row.alternatives[0] == (bench.id, bench.name)
    names_by_id = {exercise.id: exercise.name for exercise in catalog.values()}
    assert all(names_by_id[exercise_id] == name for exercise_id, name in row.alternatives)
    assert row.exercise_id not in {exercise_id for exercise_id, _name in row.alternatives}


@pytest.mark.usefixtures("without_claude")
def test_a_retired_exercise_is_never_matched_nor_offered(catalog):
    row = rows_by_name(parse_for_review(text=PLAN))["Barbell curl"]

    retired = catalog["curl"]
    assert row.exercise_id != retired.id
    assert retired.id not in {exercise_id for exercise_id, _name in row.alternatives}
    # The one curl left differs in its equipment: a guess for the lifter to confirm.
    assert (row.exercise_id, row.confidence) == (catalog["db_curl"].id, "low")


@pytest.mark.usefixtures("without_claude")
def test_a_name_the_catalog_does_not_know_has_no_match_and_low_confidence(catalog):
    [row] = parse_for_review(text="Zercher carry 3x40").rows

    assert (row.exercise_id, row.exercise_name, row.confidence) == (None, None, "low")


@pytest.mark.usefixtures("without_claude")
def test_an_empty_catalog_leaves_every_row_unmatched(db):
    [row] = parse_for_review(text="Bench Press 3x5").rows

    assert (row.exercise_id, row.confidence, row.alternatives) == (None, "low", [])
    assert (row.sets, row.reps_min, row.reps_max) == (3, 5, 5)


@pytest.mark.usefixtures("without_claude")
def test_notes_keep_what_the_rows_columns_cannot_show(catalog):
    text = (
        "A1. Curls 3x10\nA2. Pushdowns 3x10\nDeadlift 1x5+\nPlank 3 x 30s\nBench 5x5 rest 2-3 min"
    )

    notes = [row.notes for row in parse_for_review(text=text).rows]

    assert notes == ["superset A", "superset A", "AMRAP", "30 s per set", "rest 120-180 s"]


def test_with_a_key_claude_parses_and_its_names_are_matched(catalog, claude_api):
    claude_api.respond = replying(
        message(
            [
                tool_call(
                    {
                        "exercises": [
                            {
                                "name_as_written": "Bench Press",
                                "sets": 3,
                                "reps_min": 8,
                                "reps_max": 12,
                                "rest_seconds": None,
                                "notes": "",
                            },
                            {
                                "name_as_written": "Pull-ups",
                                "sets": 3,
                                "reps_min": None,
                                "reps_max": None,
                                "rest_seconds": None,
                                "notes": "AMRAP",
                            },
                        ]
                    }
                )
            ]
        )
    )

    result = parse_for_review(text=PLAN)

    assert (result.parser, result.notice) == ("claude", None)
    assert len(claude_api.requests) == 1
    bench, pullup = catalog["bench"], catalog["pullup"]
    assert result.rows == [
        ReviewRow(
            name_as_written="Bench Press",
            exercise_id=bench.id,
            exercise_name=bench.name,
            confidence="high",
            score=100.0,
            alternatives=result.rows[0].alternatives,
            sets=3,
            reps_min=8,
            reps_max=12,
            rest_seconds=None,
            notes="",
        ),
        ReviewRow(
            name_as_written="Pull-ups",
            exercise_id=pullup.id,
            exercise_name=pullup.name,
            confidence="high",
            score=100.0,
            alternatives=result.rows[1].alternatives,
            sets=3,
            reps_min=None,
            reps_max=None,
            rest_seconds=None,
            notes="AMRAP",
        ),
    ]


@pytest.mark.parametrize(
    ("respond", "reason"),
    [
        pytest.param(timing_out, "timeout", id="timeout"),
        pytest.param(
            replying({"type": "error", "error": {"type": "api_error", "message": "x"}}, status=500),
            "API error 500",
            id="500",
        ),
        pytest.param(
            replying(
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
                status=529,
            ),
            "overloaded",
            id="529 overloaded",
        ),
        pytest.param(
            replying(message([tool_call({"exercises": [{"sets": "three"}]})])),
            "malformed answer",
            id="malformed tool input",
        ),
        pytest.param(
            replying(message([{"type": "text", "text": "Sure!"}], stop_reason="end_turn")),
            "no structured answer",
            id="text only",
        ),
    ],
)
def test_when_claude_fails_the_built_in_parser_stands_in_with_a_notice(
    catalog, claude_api, respond, reason
):
    claude_api.respond = respond

    result = parse_for_review(text=PLAN)

    assert result.parser == "local"
    assert result.notice == (
        f"Claude couldn't parse this ({reason}); used the built-in parser instead — "
        "please check the rows"
    )
    assert len(claude_api.requests) == 1
    assert [row.name_as_written for row in result.rows] == [
        "Bench Press",
        "DB Bench",
        "Squats",
        "Pull-ups",
        "Barbell curl",
    ]
    assert result.rows[0].exercise_id == catalog["bench"].id


@pytest.mark.usefixtures("without_claude")
def test_the_matcher_is_built_once_per_catalog_state(catalog, django_assert_num_queries):
    with django_assert_num_queries(2):  # the catalog's state, then its active exercises
        parse_for_review(text="Lat pulldown 3x12")
    with django_assert_num_queries(1):  # the state only: the matcher is reused
        [row] = parse_for_review(text="Lat pulldown 3x12").rows
    assert row.exercise_id is None

    pulldown = ExerciseFactory(name="Wide-Grip Lat Pulldown", aliases=["Lat Pulldown"])
    with django_assert_num_queries(2):
        [row] = parse_for_review(text="Lat pulldown 3x12").rows
    assert row.exercise_id == pulldown.id

    catalog_row_retire(row=pulldown)
    with django_assert_num_queries(2):
        [row] = parse_for_review(text="Lat pulldown 3x12").rows
    assert row.exercise_id is None


@pytest.mark.usefixtures("without_claude")
def test_a_review_row_as_json_keeps_every_value(catalog):
    row = rows_by_name(parse_for_review(text=PLAN))["DB Bench"]

    data = json.loads(json.dumps(review_row_to_json(row)))

    assert data == {
        "name_as_written": "DB Bench",
        "exercise_id": catalog["db_bench"].id,
        "exercise_name": "Dumbbell Bench Press",
        "confidence": "high",
        "score": row.score,
        "alternatives": [[exercise_id, name] for exercise_id, name in row.alternatives],
        "sets": 3,
        "reps_min": 10,
        "reps_max": 10,
        "rest_seconds": 90,
        "notes": "",
    }
    assert (
        ReviewRow(**{**data, "alternatives": [tuple(pair) for pair in data["alternatives"]]}) == row
    )
