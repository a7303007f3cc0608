"""Writes of personal records: kept current as sets are logged, edited and deleted.

What counts (issue 4):
- `1rm`: Epley's estimate, weight x (1 + reps/30), and the weight itself for a single; only sets
  of 1 to 12 reps.
- `set_volume`: weight x reps of one set.
- `total_volume`: the sum of weight x reps of one exercise within one workout. The record points
  at the latest set (by created_at, then id) of that exercise in that workout: the set that
  brought the workout's total to its best.
- Only sets with a weight above zero and at least one rep count, and only those of workouts that
  are not deleted. Abandoned workouts count: their sets were lifted, abandoning only ended the
  workout early; deleting a workout is how a lifter takes it out of their history.
- Values are kept to nine decimal places (the column's scale) and compared at that scale.
- Ties: the earlier set (by created_at, then id) keeps the record.

Concurrency: every write to a user's records of one exercise first takes a transaction-level
advisory lock on (user, exercise), in its own statement. Under READ COMMITTED (Django's default)
each statement reads a fresh snapshot, so the statement after the lock sees every set that a
competing transaction (a second tab) committed before releasing it: a workout's total never
misses a set. The lock is released when the caller's transaction ends.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from allworkouts.rls import USER_SETTING, as_user
from records.models import RecordType
from sessions.models import ExerciseSession

LABELS = {
    RecordType.ONE_REP_MAX: "Est. 1RM",
    RecordType.SET_VOLUME: "Set volume",
    RecordType.TOTAL_VOLUME: "Workout volume",
}
MAX_ONE_REP_MAX_REPS = 12
# Epley's estimate of one set, over columns named `weight` and `reps`, at the stored scale. Only
# sets of 1 to MAX_ONE_REP_MAX_REPS reps with a weight above zero have one: the caller filters.
ONE_REP_MAX_SQL = "round(CASE WHEN reps = 1 THEN weight ELSE weight * (30 + reps) / 30 END, 9)"


@dataclass(frozen=True)
class NewRecord:
    record_type: str  # "1rm" | "set_volume" | "total_volume"
    label: str  # "Est. 1RM", "Set volume", "Workout volume"
    value_kg: Decimal  # 1rm in kg; volumes in kg·reps


# Takes the (user, exercise) lock and reports whose rows the transaction may see. The first key
# keeps these locks apart from any other advisory locks the project takes.
LOCK_SQL = f"""
SELECT pg_advisory_xact_lock(
           hashtext('personal_record'), hashtext(%(user_id)s || ':' || %(exercise_id)s)
       ),
       current_setting('{USER_SETTING}', true)
"""

# The candidates of one set, read from the row itself: an unsaved or stale Python object cannot
# set a record. It counts only if its workout is not deleted.
UPDATE_FOR_LOGGED_SET_SQL = f"""
WITH logged AS (
    SELECT s.id, s.user_id, s.exercise_id, s.workout_session_id, s.weight, s.reps, s.created_at
    FROM exercise_session s
    JOIN workout_session w ON w.id = s.workout_session_id
    WHERE s.id = %(set_id)s AND s.weight > 0 AND s.reps > 0 AND w.deleted_at IS NULL
),
workout_total AS (
    SELECT sum(s.weight * s.reps) AS value,
           (array_agg(s.id ORDER BY s.created_at DESC, s.id DESC))[1] AS set_id,
           max(s.created_at) AS achieved_at
    FROM exercise_session s
    JOIN logged l USING (workout_session_id, exercise_id)
    WHERE s.weight > 0 AND s.reps > 0
),
candidates (record_type, value, set_id, achieved_at) AS (
    SELECT '1rm',
           {ONE_REP_MAX_SQL},
           id, created_at
    FROM logged WHERE reps <= {MAX_ONE_REP_MAX_REPS}
    UNION ALL
    SELECT 'set_volume', weight * reps, id, created_at FROM logged
    UNION ALL
    SELECT 'total_volume', value, set_id, achieved_at FROM workout_total WHERE value > 0
)
INSERT INTO personal_record AS held
    (user_id, exercise_id, record_type, value, exercise_session_id, achieved_at,
     created_at, updated_at)
SELECT l.user_id, l.exercise_id, c.record_type::record_type_enum, c.value, c.set_id,
       c.achieved_at, now(), now()
FROM candidates c CROSS JOIN logged l
ON CONFLICT (user_id, exercise_id, record_type) DO UPDATE
SET value = excluded.value,
    exercise_session_id = excluded.exercise_session_id,
    achieved_at = excluded.achieved_at,
    updated_at = excluded.updated_at
WHERE excluded.value > held.value
   OR (excluded.value = held.value
       AND (excluded.achieved_at, excluded.exercise_session_id)
           < (held.achieved_at, held.exercise_session_id))
RETURNING held.record_type::text, held.value
"""

# The best of each type from the whole remaining history of the exercises; a type no set
# qualifies for loses its row. Rows already right are left untouched.
RECOMPUTE_SQL = f"""
WITH history AS (
    SELECT s.id, s.exercise_id, s.workout_session_id, s.weight, s.reps, s.created_at
    FROM exercise_session s
    JOIN workout_session w ON w.id = s.workout_session_id
    WHERE s.user_id = %(user_id)s AND s.exercise_id = ANY(%(exercise_ids)s)
      AND s.id IS DISTINCT FROM %(excluding_set_id)s::bigint
      AND s.weight > 0 AND s.reps > 0 AND w.deleted_at IS NULL
),
workout_totals AS (
    SELECT exercise_id,
           sum(weight * reps) AS value,
           (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS set_id,
           max(created_at) AS achieved_at
    FROM history
    GROUP BY exercise_id, workout_session_id
),
candidates (exercise_id, record_type, value, set_id, achieved_at) AS (
    SELECT exercise_id, '1rm',
           {ONE_REP_MAX_SQL},
           id, created_at
    FROM history WHERE reps <= {MAX_ONE_REP_MAX_REPS}
    UNION ALL
    SELECT exercise_id, 'set_volume', weight * reps, id, created_at FROM history
    UNION ALL
    SELECT exercise_id, 'total_volume', value, set_id, achieved_at FROM workout_totals
),
best AS (
    SELECT DISTINCT ON (exercise_id, record_type) *
    FROM candidates
    ORDER BY exercise_id, record_type, value DESC, achieved_at, set_id
),
saved AS (
    INSERT INTO personal_record AS held
        (user_id, exercise_id, record_type, value, exercise_session_id, achieved_at,
         created_at, updated_at)
    SELECT %(user_id)s, exercise_id, record_type::record_type_enum, value, set_id, achieved_at,
           now(), now()
    FROM best
    ON CONFLICT (user_id, exercise_id, record_type) DO UPDATE
    SET value = excluded.value,
        exercise_session_id = excluded.exercise_session_id,
        achieved_at = excluded.achieved_at,
        updated_at = excluded.updated_at
    WHERE (held.value, held.exercise_session_id, held.achieved_at)
          IS DISTINCT FROM (excluded.value, excluded.exercise_session_id, excluded.achieved_at)
    RETURNING 1
),
removed AS (
    DELETE FROM personal_record held
    WHERE held.user_id = %(user_id)s AND held.exercise_id = ANY(%(exercise_ids)s)
      AND NOT EXISTS (
          SELECT 1 FROM best
          WHERE best.exercise_id = held.exercise_id
            AND best.record_type = held.record_type::text
      )
    RETURNING 1
)
SELECT (SELECT count(*) FROM saved), (SELECT count(*) FROM removed)
"""


def _lock(cursor, *, user_id: int, exercise_id: int) -> str:
    """Take the (user, exercise) lock; return the user id the transaction's row-level security
    carries ('' when none)."""
    cursor.execute(LOCK_SQL, {"user_id": str(user_id), "exercise_id": str(exercise_id)})
    return cursor.fetchone()[1] or ""


def records_update_for_logged_set(*, logged_set: ExerciseSession) -> list[NewRecord]:
    """Raise the records of the set's exercise that the newly logged set beats; return those.

    For a set just inserted: a new set can only raise records, so this is the hot path's cheap
    update (two queries: the lock, then one statement that computes the workout's total and
    upserts all three types). After an edit or a delete, call `records_recompute` instead.

    It runs inside the caller's transaction, which must carry the set's user (`as_user`, as the
    request middleware does): the lock lasts until that transaction ends. The first qualifying
    set of an exercise sets all its records, and they are returned. A zero-weight set sets
    nothing and costs no query.
    """
    if logged_set.weight <= 0 or logged_set.reps < 1:
        return []
    with connection.cursor() as cursor:
        carried_user = _lock(cursor, user_id=logged_set.user_id, exercise_id=logged_set.exercise_id)
        if carried_user != str(logged_set.user_id):
            # Without it the statement would see no rows and silently set nothing.
            raise transaction.TransactionManagementError(
                "records_update_for_logged_set must run in a transaction carrying the set's "
                "user (as_user)."
            )
        cursor.execute(UPDATE_FOR_LOGGED_SET_SQL, {"set_id": logged_set.pk})
        changed = dict(cursor.fetchall())
    return [
        NewRecord(record_type=record_type, label=LABELS[record_type], value_kg=changed[record_type])
        for record_type in RecordType.values
        if record_type in changed
    ]


def _recompute(*, user, exercise_ids: list[int], excluding_set_id: int | None) -> None:
    user_id = getattr(user, "pk", user)
    with as_user(user_id), connection.cursor() as cursor:
        # Always in id order: two recomputations sharing exercises queue instead of deadlocking.
        for exercise_id in sorted(exercise_ids):
            _lock(cursor, user_id=user_id, exercise_id=exercise_id)
        cursor.execute(
            RECOMPUTE_SQL,
            {
                "user_id": user_id,
                "exercise_ids": sorted(exercise_ids),
                "excluding_set_id": excluding_set_id,
            },
        )


def records_recompute(*, user, exercise, excluding_set_id: int | None = None) -> None:
    """Recompute the user's three records of `exercise` from the remaining history.

    Call it after a set is edited (when an edit moves a set to another exercise, for both
    exercises), and before a set is deleted, with `excluding_set_id` the doomed set, then delete
    the set, all in one transaction. Before, because the record's foreign key to the set is
    PROTECT: Django refuses to delete a set a record still points at. A record never points at
    an excluded set or keeps a value no remaining set has; a type no set qualifies for any more
    loses its row.
    """
    _recompute(
        user=user,
        exercise_ids=[getattr(exercise, "pk", exercise)],
        excluding_set_id=excluding_set_id,
    )


def records_recompute_for_workout(*, user, workout_session_id: int) -> None:
    """Recompute the records of every exercise logged in a workout.

    Call it after soft-deleting a workout (its sets stop counting) or restoring one (they count
    again), in the same transaction.
    """
    with as_user(user):
        exercise_ids = set(
            ExerciseSession.objects.filter(
                user=user, workout_session_id=workout_session_id
            ).values_list("exercise_id", flat=True)
        )
    if exercise_ids:
        _recompute(user=user, exercise_ids=list(exercise_ids), excluding_set_id=None)
