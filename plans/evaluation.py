"""Measure the plan-text parser and the catalog matcher against hand-labelled plans.

Each record holds a plan `text` and the `expected` exercises (name_as_written, canonical,
sets, reps_min, reps_max, rest_seconds). Parsed exercises are paired with expected ones in
order, one to one, by name similarity; the counts say how many were found, how many have
exactly the expected structure and rest, how many matched the expected catalog name, and how
many parsed exercises correspond to nothing expected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, utils

from plans.matching import CatalogMatcher
from plans.plan_text import ParsedExercise, parse_plan_text

# Two names this similar (rapidfuzz WRatio, 0-100) can be the same exercise written twice:
# "Squats" and "Squat", "pull-ups" and "pull-ups (banded)".
PAIR_MIN_SIMILARITY = 70

COUNT_KEYS = (
    "expected",
    "found",
    "structure_exact",
    "rest_exact",
    "match_counted",
    "matched",
    "spurious",
)


@dataclass(frozen=True)
class PairedExercise:
    expected: dict
    parsed: ParsedExercise | None
    exercise: str | None  # the catalog name the matcher chose for the parsed name

    @property
    def structure_exact(self) -> bool:
        return self.parsed is not None and (
            self.parsed.sets,
            self.parsed.reps_min,
            self.parsed.reps_max,
        ) == (self.expected["sets"], self.expected["reps_min"], self.expected["reps_max"])

    @property
    def rest_exact(self) -> bool:
        return self.parsed is not None and self.parsed.rest_seconds == self.expected["rest_seconds"]

    @property
    def matched(self) -> bool:
        canonical = self.expected.get("canonical")
        return self.parsed is not None and canonical is not None and self.exercise == canonical


@dataclass(frozen=True)
class RecordEvaluation:
    pairs: list[PairedExercise]  # one per expected exercise, in order
    unpaired: list[ParsedExercise]  # parsed exercises that match nothing expected


def read_jsonl(path: str | Path) -> list[dict]:
    """The records of a JSON Lines file; blank lines are skipped."""
    with Path(path).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def evaluate(records: Iterable[dict], matcher: CatalogMatcher) -> dict[str, int]:
    """Counts over all records; the keys are COUNT_KEYS."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    for record in records:
        result = evaluate_record(record, matcher)
        counts["expected"] += len(result.pairs)
        counts["found"] += sum(pair.parsed is not None for pair in result.pairs)
        counts["structure_exact"] += sum(pair.structure_exact for pair in result.pairs)
        counts["rest_exact"] += sum(pair.rest_exact for pair in result.pairs)
        counts["match_counted"] += sum(
            pair.expected.get("canonical") is not None for pair in result.pairs
        )
        counts["matched"] += sum(pair.matched for pair in result.pairs)
        counts["spurious"] += len(result.unpaired)
    return counts


def evaluate_record(record: dict, matcher: CatalogMatcher) -> RecordEvaluation:
    expected = record["expected"]
    parsed = parse_plan_text(record["text"])
    pairing = pair_in_order(
        [item["name_as_written"] for item in expected],
        [item.name_as_written for item in parsed],
    )
    pairs = []
    for index, item in enumerate(expected):
        found = parsed[pairing[index]] if index in pairing else None
        exercise = matcher.match(found.name_as_written).exercise if found else None
        pairs.append(PairedExercise(item, found, exercise))
    used = set(pairing.values())
    unpaired = [item for index, item in enumerate(parsed) if index not in used]
    return RecordEvaluation(pairs, unpaired)


def name_similarity(first: str, second: str) -> float:
    return fuzz.WRatio(first, second, processor=utils.default_process)


def pair_in_order(expected: list[str], parsed: list[str]) -> dict[int, int]:
    """Pair names one to one without crossing, most pairs first, then most similar.

    Returns {expected index: parsed index}. Classic sequence alignment: best[i][j] is the best
    (pairs, total similarity) for the first i expected and first j parsed names.
    """
    rows, columns = len(expected), len(parsed)
    best = [[(0, 0.0)] * (columns + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, columns + 1):
            options = [best[i - 1][j], best[i][j - 1]]
            similarity = name_similarity(expected[i - 1], parsed[j - 1])
            if similarity >= PAIR_MIN_SIMILARITY:
                pairs, total = best[i - 1][j - 1]
                options.append((pairs + 1, total + similarity))
            best[i][j] = max(options)
    pairing: dict[int, int] = {}
    i, j = rows, columns
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            pairing[i - 1] = j - 1
            i, j = i - 1, j - 1
    return pairing


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def format_report(counts: dict[str, int]) -> str:
    """A readable summary of evaluate()'s counts, with percentages."""
    expected, found = counts["expected"], counts["found"]
    lines = [
        f"Expected exercises:  {expected}",
        f"Found by the parser: {found:4}  {_percent(found, expected)} of expected",
        f"Sets and reps exact: {counts['structure_exact']:4}  "
        f"{_percent(counts['structure_exact'], expected)} of expected",
        f"Rest exact:          {counts['rest_exact']:4}  "
        f"{_percent(counts['rest_exact'], expected)} of expected",
        f"Catalog match:       {counts['matched']:4}  "
        f"{_percent(counts['matched'], counts['match_counted'])} of "
        f"{counts['match_counted']} with a catalog name",
        f"Spurious exercises:  {counts['spurious']:4}  "
        f"{_percent(counts['spurious'], found)} of found",
    ]
    return "\n".join(lines)


def parse_and_match(text: str, matcher: CatalogMatcher) -> list[dict]:
    """The parse of one text with each name matched, as plain dictionaries."""
    rows = []
    for parsed in parse_plan_text(text):
        match = matcher.match(parsed.name_as_written)
        rows.append(
            {
                "name_as_written": parsed.name_as_written,
                "exercise": match.exercise,
                "confidence": match.confidence,
                "sets": parsed.sets,
                "reps_min": parsed.reps_min,
                "reps_max": parsed.reps_max,
                "rest_seconds": parsed.rest_seconds,
            }
        )
    return rows


def format_parse_table(rows: list[dict]) -> str:
    """parse_and_match() rows as an aligned text table."""
    headers = ("Written", "Catalog exercise", "Confidence", "Sets", "Reps", "Rest (s)")
    table = [headers]
    for row in rows:
        reps = _reps_text(row["reps_min"], row["reps_max"])
        table.append(
            (
                row["name_as_written"],
                row["exercise"] or "-",
                row["confidence"],
                _text(row["sets"]),
                reps,
                _text(row["rest_seconds"]),
            )
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


def _text(value: int | None) -> str:
    return "-" if value is None else str(value)


def _reps_text(low: int | None, high: int | None) -> str:
    if low is None:
        return "-"
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"
