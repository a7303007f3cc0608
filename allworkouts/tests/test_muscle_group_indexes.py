"""Muscle group searches (`__contains`, `__overlap`) are answered from the GIN indexes.

The planner picks an index only when the table is large and its statistics say the search is
selective, so the test fills the catalog with a few thousand exercises in which one muscle is
rare, then has the owner role (the app role may not) VACUUM ANALYZE the table, as autovacuum
would: statistics for the planner, and the GIN indexes' pending lists merged.
"""

import pytest
from django.db import connections

from catalog.models import Exercise, MuscleGroup

EXERCISE_COUNT = 4000
RARE = MuscleGroup.NECK
COMMON = [muscle for muscle in MuscleGroup.values if muscle != RARE]


def muscles(number: int, *, step: int, rare_every: int) -> list[str]:
    chosen = {COMMON[number % len(COMMON)], COMMON[(number * step) % len(COMMON)]}
    if number % rare_every == 0:
        chosen.add(RARE)
    return sorted(chosen)


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_muscle_group_searches_use_the_gin_indexes():
    exercises = Exercise.objects.bulk_create(
        Exercise(
            name=f"Generated exercise {number}",
            primary_muscle_groups=muscles(number, step=5, rare_every=200),
            secondary_muscle_groups=muscles(number, step=7, rare_every=150),
        )
        for number in range(EXERCISE_COUNT)
    )
    with connections["owner"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE exercise")

    for field, index in [
        ("primary_muscle_groups", "exercise_primary_muscles_gin"),
        ("secondary_muscle_groups", "exercise_secondary_muscles_gin"),
    ]:
        expected = {exercise.pk for exercise in exercises if RARE in getattr(exercise, field)}
        for lookup in ("contains", "overlap"):
            search = Exercise.objects.filter(**{f"{field}__{lookup}": [RARE]})
            plan = search.explain()
            assert f"Bitmap Index Scan on {index}" in plan, (field, lookup, plan)
            assert set(search.values_list("pk", flat=True)) == expected
