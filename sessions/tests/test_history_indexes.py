"""The history's one query reads the workouts through the index that fits its filter, in
order, and stops at the page's end; its sets, volume and records are computed for the page's
rows only.

The planner picks an index only when the tables are large and it has statistics, so the test
lays down a few thousand workouts (the lifter's and other lifters', interleaved in time, two
sets each), then has the owner role (the app role may not) VACUUM ANALYZE the tables, as
autovacuum would. The plans are read with EXPLAIN ANALYZE as the app role, row-level security
in force, exactly as the page runs the query.

Why each status reads where it does: under row-level security PostgreSQL evaluates a condition
ahead of the policy's, and so as an index condition, only when its operator is LEAKPROOF. The
enum type's `=` (enum_eq) is not (only a superuser can mark it), so `status = '...'` never
bounds an index scan, and (user_id, status, created_at) scanned with the user alone is not in
created_at order. Proving a partial index's predicate from the query leaks nothing, though:
- abandoned (one workout in ABANDONED_EVERY) reads the partial index of abandoned workouts,
  so it reads the page and no other workout;
- completed (nearly all) reads (user_id, created_at DESC) with the status as a filter, which
  passes nearly every row, so the scan still ends near the page's end;
- in_progress reads the partial unique index of the one in-progress workout per user.
"""

import math
import re
import uuid
from decimal import Decimal
from itertools import takewhile

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.tests.factories import UserFactory
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory
from records.services import records_recompute
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.selectors import HISTORY_PAGE_SIZE, HistoryCursor, workout_history

LIFTERS = 4
WORKOUTS_EACH = 2000
ABANDONED_EVERY = 25
SETS_EACH = 2
# The workouts a full page's scan returns: the page, the one telling that another follows, and
# the one the incremental sort reads to see that the last page's created_at has ended.
PAGE_SCAN = HISTORY_PAGE_SIZE + 2
# A later page's scan reads the cursor's own workout too: `created_at <=` bounds the index
# scan, and the row comparison then drops it.
LATER_PAGE_SCAN = PAGE_SCAN + 1
# The completed page's scan also reads the abandoned workouts between (at most one in
# ABANDONED_EVERY), and the in-progress workout or, on a later page, the cursor's.
COMPLETED_SCAN = PAGE_SCAN + math.ceil(PAGE_SCAN / (ABANDONED_EVERY - 1)) + 1


def lay_down_history(lifter_number: int, user, exercise) -> None:
    """WORKOUTS_EACH workouts a day apart, the newest in progress, every ABANDONED_EVERY-th
    abandoned; each lifter's start an hour off the others', so that their days interleave."""
    slot = WorkoutExerciseFactory(workout_plan__user=user, exercise=exercise)
    now = timezone.now()
    with as_user(user):
        workouts = WorkoutSession.objects.bulk_create(
            WorkoutSession(
                user=user,
                workout_plan=slot.workout_plan,
                name=f"Workout {number}",
                status=(
                    SessionStatus.IN_PROGRESS
                    if number == 0
                    else SessionStatus.ABANDONED
                    if number % ABANDONED_EVERY == 0
                    else SessionStatus.COMPLETED
                ),
                finished_at=None if number == 0 else now,
            )
            for number in range(WORKOUTS_EACH)
        )
        ExerciseSession.objects.bulk_create(
            ExerciseSession(
                workout_session=workout,
                user=user,
                exercise=exercise,
                workout_exercise=slot,
                set_number=number,
                reps=5,
                weight=Decimal(50 + workout.pk % 40),
                idempotency_key=uuid.uuid4(),
            )
            for workout in workouts
            for number in range(1, SETS_EACH + 1)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE workout_session w
                SET created_at = now() - (w.id - first.id) * interval '1 day'
                                       - %(offset)s * interval '1 hour'
                FROM (SELECT min(id) AS id FROM workout_session WHERE user_id = %(user)s) first
                WHERE w.user_id = %(user)s
                """,
                {"offset": lifter_number, "user": user.pk},
            )
        records_recompute(user=user, exercise=exercise)


@pytest.fixture
def crowded_history():
    exercise = ExerciseFactory()
    lifters = [UserFactory() for _ in range(LIFTERS)]
    for number, lifter in enumerate(lifters):
        lay_down_history(number, lifter, exercise)
    with connections["owner"].cursor() as cursor:
        for table in ("workout_session", "exercise_session", "personal_record"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return lifters[1]


def explained(user, shown: int = HISTORY_PAGE_SIZE, **arguments) -> str:
    """The plan of the page's query, as run: EXPLAIN ANALYZE, without costs or timings."""
    with as_user(user):
        with CaptureQueriesContext(connection) as captured:
            page = workout_history(user=user, **arguments)
        (query,) = [q["sql"] for q in captured if "workout_session" in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF, TIMING OFF, SUMMARY OFF) {query}"
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert len(page.workouts) == shown, plan
    return plan


def workout_scan(plan: str) -> str:
    """The plan node that reads workout_session for the list, with its conditions."""
    lines = plan.splitlines()
    (start,) = [n for n, line in enumerate(lines) if re.search(r"Scan.* on workout_session ", line)]
    depth = len(lines[start]) - len(lines[start].lstrip())
    details = takewhile(lambda line: len(line) - len(line.lstrip()) > depth, lines[start + 1 :])
    return "\n".join([lines[start], *details])


def rows_read(scan: str) -> float:
    """The workouts the scan read: those it returned and those its filter dropped (PostgreSQL 18
    prints the counts with decimals)."""
    returned = float(re.search(r"actual rows=([\d.]+) loops=1\)", scan).group(1))
    dropped = re.search(r"Rows Removed by Filter: ([\d.]+)", scan)
    return returned + (float(dropped.group(1)) if dropped else 0)


def assert_reads_the_page_in_order_of(index: str, plan: str) -> str:
    """The scan of `index`, after checking that the page is read in its order."""
    scan = workout_scan(plan)
    assert f"using {index} on" in scan, plan
    # No sort of the lifter's whole history: the index gives created_at order, and the only
    # sort orders ties by id within the rows already read.
    assert not re.search(r"(^|->)\s*Sort \(", plan, re.M), plan
    assert "Presorted Key: workout_session.created_at" in plan, plan
    # Sets, volume and records: one pass per workout shown, the extra one telling whether
    # another page follows.
    loops = re.findall(r"SubPlan \d+\n\s+->\s+\S+ \(actual rows=[\d.]+ loops=(\d+)\)", plan)
    assert loops == [str(HISTORY_PAGE_SIZE + 1)] * 3, plan
    return scan


def next_cursor(user, **arguments) -> HistoryCursor:
    with as_user(user):
        return workout_history(user=user, **arguments).next_cursor


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_each_history_page_reads_through_the_index_that_fits_it(crowded_history):
    lifter = crowded_history
    by_lifter = f"Index Cond: (user_id = {lifter.pk})"
    by_lifter_and_cursor = rf"Index Cond: \(\(user_id = {lifter.pk}\) AND \(created_at <= "

    newest = explained(lifter)
    scan = assert_reads_the_page_in_order_of("workout_session_user_created", newest)
    assert by_lifter in scan, newest
    assert rows_read(scan) <= PAGE_SCAN, newest

    later = explained(lifter, after=next_cursor(lifter))
    scan = assert_reads_the_page_in_order_of("workout_session_user_created", later)
    assert re.search(by_lifter_and_cursor, scan), later
    assert rows_read(scan) <= LATER_PAGE_SCAN, later

    completed = {"status": SessionStatus.COMPLETED}
    for plan in (
        explained(lifter, **completed),
        explained(lifter, **completed, after=next_cursor(lifter, **completed)),
    ):
        scan = assert_reads_the_page_in_order_of("workout_session_user_created", plan)
        assert re.search(r"Filter: .*status = 'completed'", scan), plan
        assert rows_read(scan) <= COMPLETED_SCAN, plan

    abandoned = {"status": SessionStatus.ABANDONED}
    newest_abandoned = explained(lifter, **abandoned)
    scan = assert_reads_the_page_in_order_of("workout_session_user_abandoned", newest_abandoned)
    # The index's predicate stands for the status and deleted_at: nothing is filtered.
    # PostgreSQL 18 adds the count of index searches.
    details = [line.strip() for line in scan.splitlines()[1:] if "Index Searches" not in line]
    assert details == [by_lifter], newest_abandoned
    assert rows_read(scan) <= PAGE_SCAN, newest_abandoned
    later_abandoned = explained(lifter, **abandoned, after=next_cursor(lifter, **abandoned))
    scan = assert_reads_the_page_in_order_of("workout_session_user_abandoned", later_abandoned)
    assert re.search(by_lifter_and_cursor, scan), later_abandoned
    assert "status" not in scan, later_abandoned
    assert rows_read(scan) <= LATER_PAGE_SCAN, later_abandoned

    in_progress = explained(lifter, shown=1, status=SessionStatus.IN_PROGRESS)
    scan = workout_scan(in_progress)
    assert "using workout_session_one_in_progress on" in scan, in_progress
    assert by_lifter in scan, in_progress
    assert rows_read(scan) == 1, in_progress
