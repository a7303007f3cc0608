"""Reads of the global catalog (no row-level security: every user sees the same catalog)."""

import re

from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Lower

from catalog.models import Exercise

EXERCISE_SEARCH_LIMIT = 25
# (default_reps, default_rest_time_seconds) of an exercise that sets none of its own.
CATALOG_DEFAULTS = (
    Exercise._meta.get_field("default_reps").default,
    Exercise._meta.get_field("default_rest_time_seconds").default,
)


def _squashed(expression) -> Func:
    """Lower-case letters and digits only, so "pull-ups", "Pull Ups" and "pullups" compare equal."""
    return Func(
        Lower(expression),
        Value("[^a-z0-9]+"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def squash_search_text(text: str) -> list[str]:
    """The words of a search as the catalog search compares them (see `_squashed`)."""
    words = (re.sub(r"[^a-z0-9]+", "", word) for word in text.lower().split())
    return [word for word in words if word]


def exercise_search(
    *,
    query: str = "",
    muscle_group: str | None = None,
    equipment_id: int | None = None,
    limit: int = EXERCISE_SEARCH_LIMIT,
) -> list[Exercise]:
    """Active exercises whose name or an alias holds every word of `query`, case-insensitively.

    Exercises whose name starts with the query come first, then those whose name holds it, then
    those found through an alias only; ties by name. `muscle_group` keeps exercises that work it
    as a primary muscle, `equipment_id` those that use that equipment. Each exercise comes with
    its equipment prefetched.
    """
    words = squash_search_text(query)
    if query.strip() and not words:
        # Only punctuation or symbols: nothing to look for, rather than everything.
        return []
    exercises = Exercise.objects.active().annotate(
        name_key=_squashed(F("name")),
        alias_key=_squashed(
            Func(F("aliases"), Value(" "), function="array_to_string", output_field=TextField())
        ),
    )
    for word in words:
        exercises = exercises.filter(Q(name_key__contains=word) | Q(alias_key__contains=word))
    if muscle_group:
        exercises = exercises.filter(primary_muscle_groups__contains=[muscle_group])
    if equipment_id is not None:
        exercises = exercises.filter(equipment=equipment_id)
    if words:
        name_holds_every_word = Q()
        for word in words:
            name_holds_every_word &= Q(name_key__contains=word)
        exercises = exercises.annotate(
            rank=Case(
                When(Q(name_key__startswith="".join(words)), then=Value(0)),
                When(name_holds_every_word, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    else:
        exercises = exercises.annotate(rank=Value(0, output_field=IntegerField()))
    return list(exercises.order_by("rank", "name").prefetch_related("equipment")[:limit])


def active_exercise_names(*, ids) -> dict[int, str]:
    """{id: name} of the active exercises among `ids`."""
    return dict(Exercise.objects.active().filter(pk__in=ids).values_list("pk", "name"))


def exercise_defaults(*, ids) -> dict[int, tuple[int, int]]:
    """{id: (default_reps, default_rest_time_seconds)} of the exercises among `ids`."""
    return {
        pk: (reps, rest)
        for pk, reps, rest in Exercise.objects.filter(pk__in=ids).values_list(
            "pk", "default_reps", "default_rest_time_seconds"
        )
    }
