"""Reads of a user's personal records and progress. Each filters by the user, with row-level
security beneath."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from django.db import connection
from django.db.models import Exists, OuterRef

from allworkouts.rls import as_user
from catalog.models import Exercise
from records.models import PersonalRecord, RecordType
from records.services import LABELS, MAX_ONE_REP_MAX_REPS, ONE_REP_MAX_SQL
from sessions.models import ExerciseSession, WorkoutSession

# The chart reads this many of the latest workouts at most, so the page costs the same however
# long the history grows.
CHART_WORKOUTS = 100
RECENT_WORKOUTS = 10

TYPE_ORDER = {record_type: position for position, record_type in enumerate(RecordType.values)}


@dataclass(frozen=True)
class RecordEntry:
    """One current record with the set that achieved it (for `total_volume`, the workout's latest
    set of the exercise). Shaped like services.NewRecord, so the same filters render both."""

    record_type: str
    label: str
    value_kg: Decimal
    achieved_at: datetime
    set_weight_kg: Decimal
    set_reps: int
    workout_name: str


@dataclass(frozen=True)
class ExerciseRecords:
    exercise: Exercise
    # In the fixed order 1rm, set volume, workout volume; empty when the user has none.
    records: list[RecordEntry]

    @property
    def latest_at(self) -> datetime | None:
        return max((record.achieved_at for record in self.records), default=None)


def _entry(record: PersonalRecord) -> RecordEntry:
    achieving_set = record.exercise_session
    return RecordEntry(
        record_type=record.record_type,
        label=LABELS[record.record_type],
        value_kg=record.value,
        achieved_at=record.achieved_at,
        set_weight_kg=achieving_set.weight,
        set_reps=achieving_set.reps,
        workout_name=achieving_set.workout_session.name,
    )


def _records(*, user):
    return PersonalRecord.objects.filter(user=user).select_related(
        "exercise", "exercise_session__workout_session"
    )


def _in_type_order(records) -> list[RecordEntry]:
    return [_entry(record) for record in sorted(records, key=lambda r: TYPE_ORDER[r.record_type])]


def records_by_exercise(*, user) -> list[ExerciseRecords]:
    """Every exercise the user holds records of, the one with the newest record first (then by
    name)."""
    with as_user(user):
        records = list(_records(user=user))
    by_exercise: dict[int, list[PersonalRecord]] = {}
    for record in records:
        by_exercise.setdefault(record.exercise_id, []).append(record)
    groups = [
        ExerciseRecords(exercise=held[0].exercise, records=_in_type_order(held))
        for held in by_exercise.values()
    ]
    groups.sort(key=lambda group: group.exercise.name)
    groups.sort(key=lambda group: group.latest_at, reverse=True)
    return groups


@dataclass(frozen=True)
class WorkoutBest:
    """One workout's bests of one exercise: a point of the progress chart."""

    workout_id: int
    workout_name: str
    started_at: datetime
    # None when no set of the workout had 1 to 12 reps.
    one_rep_max_kg: Decimal | None
    heaviest_kg: Decimal
    # Of the heaviest set (the most reps when several sets share the weight).
    heaviest_reps: int


@dataclass(frozen=True)
class RecentWorkout:
    workout: WorkoutSession
    # The exercise's sets in that workout, by set number.
    sets: list[ExerciseSession]


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: Exercise
    # In the fixed order 1rm, set volume, workout volume; empty when the user has none.
    records: list[RecordEntry]
    # The latest CHART_WORKOUTS workouts with a weighted set of the exercise, oldest first.
    bests: list[WorkoutBest]
    # The latest RECENT_WORKOUTS workouts with any set of the exercise, newest first.
    recent_workouts: list[RecentWorkout]


# One row per workout, the latest workouts only: the limit applies before any set is read, and
# each workout's sets are then aggregated through the index on their workout. (A set's user is
# its workout's, by a same-user foreign key: filtering the workouts by owner covers the sets.)
# The estimate is the records' own (services.ONE_REP_MAX_SQL), so chart and records agree.
WORKOUT_BESTS_SQL = f"""
WITH latest AS (
    SELECT w.id, w.name, w.created_at
    FROM workout_session w
    WHERE w.user_id = %(user_id)s AND w.deleted_at IS NULL
      AND EXISTS (
          SELECT 1 FROM exercise_session s
          WHERE s.workout_session_id = w.id AND s.exercise_id = %(exercise_id)s
            AND s.weight > 0 AND s.reps > 0
      )
    ORDER BY w.created_at DESC, w.id DESC
    LIMIT %(limit)s
)
SELECT latest.id, latest.name, latest.created_at,
       bests.one_rep_max, bests.heaviest, bests.heaviest_reps
FROM latest
CROSS JOIN LATERAL (
    SELECT max(CASE WHEN reps <= {MAX_ONE_REP_MAX_REPS} THEN {ONE_REP_MAX_SQL} END) AS one_rep_max,
           max(weight) AS heaviest,
           (array_agg(reps ORDER BY weight DESC, reps DESC))[1] AS heaviest_reps
    FROM exercise_session s
    WHERE s.workout_session_id = latest.id AND s.exercise_id = %(exercise_id)s
      AND s.weight > 0 AND s.reps > 0
) AS bests
ORDER BY latest.created_at, latest.id
"""


def _workout_bests(*, user, exercise: Exercise) -> list[WorkoutBest]:
    with connection.cursor() as cursor:
        cursor.execute(
            WORKOUT_BESTS_SQL,
            {"user_id": user.pk, "exercise_id": exercise.pk, "limit": CHART_WORKOUTS},
        )
        return [WorkoutBest(*row) for row in cursor.fetchall()]


def _recent_workouts(*, user, exercise: Exercise) -> list[RecentWorkout]:
    latest_ids = (
        WorkoutSession.objects.filter(user=user)
        .filter(
            Exists(
                ExerciseSession.objects.filter(workout_session=OuterRef("pk"), exercise=exercise)
            )
        )
        .order_by("-created_at", "-id")
        .values("id")[:RECENT_WORKOUTS]
    )
    sets = (
        ExerciseSession.objects.filter(user=user, exercise=exercise, workout_session__in=latest_ids)
        .select_related("workout_session")
        .order_by("-workout_session__created_at", "-workout_session_id", "set_number", "id")
    )
    recent = []
    for _, group in groupby(sets, key=attrgetter("workout_session_id")):
        workout_sets = list(group)
        recent.append(RecentWorkout(workout=workout_sets[0].workout_session, sets=workout_sets))
    return recent


def exercise_progress(*, user, exercise_id: int) -> ExerciseProgress:
    """The user's records of one exercise, their bests per workout over time and their latest
    workouts' sets (retired exercises included: they are history). Deleted workouts are left out.
    Raises Exercise.DoesNotExist for an exercise id that does not exist."""
    exercise = Exercise.objects.get(pk=exercise_id)
    with as_user(user):
        records = list(_records(user=user).filter(exercise=exercise))
        bests = _workout_bests(user=user, exercise=exercise)
        recent_workouts = _recent_workouts(user=user, exercise=exercise)
    return ExerciseProgress(
        exercise=exercise,
        records=_in_type_order(records),
        bests=bests,
        recent_workouts=recent_workouts,
    )
