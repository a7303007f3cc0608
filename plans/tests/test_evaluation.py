"""Evaluation of the parser and matcher: counts on hand-made records, and the accuracy goals on
the shared set of real plans."""

import io
import json
import os
from pathlib import Path

import pytest

from plans.evaluation import (
    COUNT_KEYS,
    evaluate,
    format_parse_table,
    format_report,
    pair_in_order,
    parse_and_match,
    read_jsonl,
)
from plans.matching import CatalogEntry, CatalogMatcher


def shared_data_directory() -> Path:
    """../shared/data beside the repository, or the ALLWORKOUTS_SHARED_DATA directory."""
    beside_repository = Path(__file__).resolve().parents[3] / "shared" / "data"
    if beside_repository.is_dir():
        return beside_repository
    return Path(os.environ.get("ALLWORKOUTS_SHARED_DATA", beside_repository))


@pytest.fixture(scope="module")
def matcher():
    names = ("Barbell Squat", "Barbell Bench Press - Medium Grip", "Pullups", "Plank")
    return CatalogMatcher(CatalogEntry(name) for name in names)


def expected(name, canonical, sets, reps_min, reps_max, rest=None) -> dict:
    return {
        "name_as_written": name,
        "canonical": canonical,
        "sets": sets,
        "reps_min": reps_min,
        "reps_max": reps_max,
        "rest_seconds": rest,
    }


def test_pairing_is_in_order_one_to_one_and_by_similar_names():
    pairing = pair_in_order(
        ["Squat", "Bench Press", "Deadlift", "Squat"],
        ["Squats", "Bench press", "Curls", "Squat"],
    )
    assert pairing == {0: 0, 1: 1, 3: 3}


def test_pairing_never_crosses():
    assert pair_in_order(["Squat", "Bench Press"], ["Bench Press", "Squat"]) in (
        {0: 1},
        {1: 0},
    )


def test_counts_on_hand_made_records(matcher):
    records = [
        {
            "text": "Squats 5x5, rest 3 min\nBench Press 3x8\nCurls 3x12\nPlank 3 x 30s",
            "expected": [
                expected("Squats", "Barbell Squat", 5, 5, 5, rest=180),  # all exact
                expected("Bench Press", "Barbell Bench Press - Medium Grip", 3, 8, 10),  # reps
                expected("Deadlift", "Barbell Deadlift", 1, 5, 5),  # not found
                expected("Plank", None, 3, None, None, rest=60),  # rest differs; no canonical
            ],
        },
        {"text": "Day 1\n\nPull-ups 3x8", "expected": [expected("Pull-ups", "Chin-Up", 3, 8, 8)]},
    ]
    assert evaluate(records, matcher) == {
        "expected": 5,
        "found": 4,
        "structure_exact": 3,  # Squats, Plank, Pull-ups
        "rest_exact": 3,  # Squats, Bench Press and Pull-ups (none given, none expected)
        "match_counted": 4,
        "matched": 2,  # Squats, Bench Press; Pull-ups matched another name
        "spurious": 1,  # Curls
    }


def test_report_gives_the_counts_with_percentages():
    counts = dict(zip(COUNT_KEYS, (200, 190, 180, 150, 100, 90, 5), strict=True))
    report = format_report(counts)
    assert "95.0% of expected" in report
    assert "90.0% of expected" in report
    assert "90.0% of 100 with a catalog name" in report
    assert "2.6% of found" in report


def test_report_of_nothing_does_not_divide_by_zero():
    assert "n/a" in format_report(dict.fromkeys(COUNT_KEYS, 0))


def test_read_jsonl_skips_blank_lines(tmp_path):
    path = tmp_path / "plans.jsonl"
    path.write_text('{"text": "a", "expected": []}\n\n{"text": "b", "expected": []}\n')
    assert [record["text"] for record in read_jsonl(path)] == ["a", "b"]


def test_parse_and_match_rows_and_their_table(matcher):
    rows = parse_and_match("Squat 5x5\nPull-ups 3 sets AMRAP, rest 2 min", matcher)
    assert rows == [
        {
            "name_as_written": "Squat",
            "exercise": "Barbell Squat",
            "confidence": "medium",
            "sets": 5,
            "reps_min": 5,
            "reps_max": 5,
            "rest_seconds": None,
        },
        {
            "name_as_written": "Pull-ups",
            "exercise": "Pullups",
            "confidence": "high",
            "sets": 3,
            "reps_min": None,
            "reps_max": None,
            "rest_seconds": 120,
        },
    ]
    table = format_parse_table(rows).splitlines()
    assert table[0].split() == [
        "Written",
        "Catalog",
        "exercise",
        "Confidence",
        "Sets",
        "Reps",
        "Rest",
        "(s)",
    ]
    assert table[1].split() == ["Squat", "Barbell", "Squat", "medium", "5", "5", "-"]
    assert table[2].split() == ["Pull-ups", "Pullups", "high", "3", "-", "120"]


def test_goals_on_the_shared_plan_texts():
    data = shared_data_directory()
    plans, catalog = data / "plan-texts.jsonl", data / "free-exercise-db.json"
    if not (plans.is_file() and catalog.is_file()):
        pytest.skip(f"shared data not found in {data} (set ALLWORKOUTS_SHARED_DATA)")
    counts = evaluate(read_jsonl(plans), CatalogMatcher.from_free_exercise_db(catalog))
    assert set(counts) == set(COUNT_KEYS)
    assert counts["structure_exact"] / counts["expected"] >= 0.90, counts
    assert counts["matched"] / counts["match_counted"] >= 0.85, counts
    assert counts["spurious"] / counts["found"] < 0.05, counts


def test_json_counts_serialise(matcher):
    counts = evaluate([], matcher)
    assert json.loads(json.dumps(counts)) == dict.fromkeys(COUNT_KEYS, 0)


# The management commands, with --catalog: no database involved.


@pytest.fixture
def catalog_file(tmp_path):
    path = tmp_path / "free-exercise-db.json"
    names = ("Barbell Squat", "Barbell Bench Press - Medium Grip", "Pullups")
    path.write_text(json.dumps([{"id": name, "name": name} for name in names]))
    return path


def test_evaluate_command_prints_the_counts_as_json(tmp_path, catalog_file):
    from plans.management.commands.evaluate_plan_parser import Command

    plans = tmp_path / "plans.jsonl"
    record = {"text": "Squat 5x5", "expected": [expected("Squat", "Barbell Squat", 5, 5, 5)]}
    plans.write_text(json.dumps(record) + "\n")
    output = io.StringIO()
    Command(stdout=output).handle(jsonl_file=plans, catalog=catalog_file, json=True)
    assert json.loads(output.getvalue()) == {
        "expected": 1,
        "found": 1,
        "structure_exact": 1,
        "rest_exact": 1,
        "match_counted": 1,
        "matched": 1,
        "spurious": 0,
    }


def test_parse_command_prints_json_or_a_table(tmp_path, catalog_file):
    from plans.management.commands.parse_plan_text import Command

    plan = tmp_path / "plan.txt"
    plan.write_text("Push Day\nBench Press 3x8-12, rest 90s\nPull-ups 3 sets AMRAP\n")
    output = io.StringIO()
    Command(stdout=output).handle(file=plan, catalog=catalog_file, json=True)
    rows = json.loads(output.getvalue())
    assert [(row["name_as_written"], row["exercise"], row["rest_seconds"]) for row in rows] == [
        ("Bench Press", "Barbell Bench Press - Medium Grip", 90),
        ("Pull-ups", "Pullups", None),
    ]
    assert set(rows[0]) == {
        "name_as_written",
        "exercise",
        "confidence",
        "sets",
        "reps_min",
        "reps_max",
        "rest_seconds",
    }
    output = io.StringIO()
    Command(stdout=output).handle(file=plan, catalog=catalog_file, json=False)
    assert "Barbell Bench Press - Medium Grip" in output.getvalue()


def test_commands_report_unreadable_input(tmp_path, catalog_file):
    from django.core.management.base import CommandError

    from plans.management.commands.evaluate_plan_parser import Command

    with pytest.raises(CommandError):
        Command().handle(jsonl_file=tmp_path / "missing.jsonl", catalog=catalog_file, json=True)
