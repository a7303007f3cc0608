"""Turn a pasted plan into the rows of the import review screen.

Claude parses the text when ANTHROPIC_API_KEY is set. When it gives no usable answer (timeout,
API error, refusal, malformed output) the built-in parser reads the text instead and the notice
tells the lifter so; without a key the built-in parser is simply the parser. Each exercise name
is then matched against the active exercises of the database catalog, names and aliases.

Building the matcher normalises every catalog name, so it is built once per catalog state and
kept in this process: one query on the exercise table (row count and latest updated_at) tells
whether the catalog changed since. Catalog writes (load, import, retire, restore) all save
updated_at, so each of them invalidates it.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max

from catalog.models import Exercise
from plans import claude
from plans.matching import CatalogEntry, CatalogMatcher
from plans.plan_text import ParsedExercise, parse_plan_text

logger = logging.getLogger(__name__)

PARSER_CLAUDE = "claude"
PARSER_LOCAL = "local"
FALLBACK_NOTICE = (
    "Claude couldn't parse this ({reason}); used the built-in parser instead — "
    "please check the rows"
)


@dataclass(frozen=True)
class ReviewRow:
    name_as_written: str
    exercise_id: int | None  # best match among the active catalog exercises, or None
    exercise_name: str | None
    confidence: str  # "high" | "medium" | "low"
    score: float  # 0-100
    alternatives: list[tuple[int, str]]  # (exercise_id, name), best first, without the match
    sets: int | None
    reps_min: int | None
    reps_max: int | None
    rest_seconds: int | None
    notes: str


@dataclass(frozen=True)
class ImportParse:
    rows: list[ReviewRow]
    parser: str  # PARSER_CLAUDE | PARSER_LOCAL
    notice: str | None  # set when Claude failed and the built-in parser stood in


def parse_for_review(*, text: str) -> ImportParse:
    """Parse `text` and match each exercise to the catalog, for the lifter to review."""
    parsed, parser, notice = _parse(text)
    catalog = _current_catalog()
    rows = [_review_row(exercise, catalog) for exercise in parsed]
    return ImportParse(rows=rows, parser=parser, notice=notice)


def review_row_to_json(row: ReviewRow) -> dict:
    """The row as JSON-safe values, alternatives as [exercise_id, name] pairs."""
    data = dataclasses.asdict(row)
    data["alternatives"] = [[exercise_id, name] for exercise_id, name in row.alternatives]
    return data


def _parse(text: str) -> tuple[list[ParsedExercise], str, str | None]:
    if not settings.ANTHROPIC_API_KEY:
        return parse_plan_text(text), PARSER_LOCAL, None
    try:
        return claude.parse_plan_with_claude(text=text), PARSER_CLAUDE, None
    except claude.ClaudeUnavailable as failure:
        logger.warning("Claude could not parse a plan (%s); the built-in parser did.", failure)
        return parse_plan_text(text), PARSER_LOCAL, FALLBACK_NOTICE.format(reason=failure.reason)


@dataclass(frozen=True)
class _Catalog:
    matcher: CatalogMatcher
    ids: dict[str, int]  # exercise name -> id; names are unique


def _current_catalog() -> _Catalog:
    state = Exercise.objects.aggregate(count=Count("id"), last_change=Max("updated_at"))
    return _catalog_at(state["count"], state["last_change"])


@functools.lru_cache(maxsize=1)
def _catalog_at(count: int, last_change: datetime | None) -> _Catalog:
    """The matcher over the active exercises. The arguments identify the catalog's state: they
    are the cache key, so a changed catalog builds a new matcher."""
    rows = Exercise.objects.active().values_list("id", "name", "aliases")
    ids = {}
    entries = []
    for exercise_id, name, aliases in rows:
        ids[name] = exercise_id
        entries.append(CatalogEntry(name, tuple(aliases)))
    return _Catalog(CatalogMatcher(entries), ids)


def _review_row(parsed: ParsedExercise, catalog: _Catalog) -> ReviewRow:
    match = catalog.matcher.match(parsed.name_as_written)
    return ReviewRow(
        name_as_written=parsed.name_as_written,
        exercise_id=catalog.ids[match.exercise] if match.exercise else None,
        exercise_name=match.exercise,
        confidence=match.confidence,
        score=match.score,
        alternatives=[(catalog.ids[name], name) for name in match.alternatives],
        sets=parsed.sets,
        reps_min=parsed.reps_min,
        reps_max=parsed.reps_max,
        rest_seconds=parsed.rest_seconds,
        notes=_review_notes(parsed),
    )


def _review_notes(parsed: ParsedExercise) -> str:
    """The parser's notes, plus what the row's columns cannot show: without it the review
    screen, and the plan made from it, would lose an AMRAP set or a timed hold."""
    notes = [parsed.notes] if parsed.notes else []
    if parsed.superset_group:
        notes.append(f"superset {parsed.superset_group}")
    if parsed.amrap_last_set:
        notes.append("last set AMRAP")
    elif parsed.amrap:
        notes.append("AMRAP")
    if parsed.duration_seconds:
        notes.append(f"{parsed.duration_seconds} s per set")
    if parsed.per_side:
        notes.append("per side")
    if parsed.reps_per_set:
        notes.append("reps per set " + "/".join(str(reps) for reps in parsed.reps_per_set))
    if parsed.total_reps:
        notes.append(f"{parsed.total_reps} total reps")
    if parsed.rest_seconds is not None and parsed.rest_seconds_max:
        notes.append(f"rest {parsed.rest_seconds}-{parsed.rest_seconds_max} s")
    return "; ".join(notes)
